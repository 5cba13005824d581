/**
 * The Hungarian (Kuhn–Munkres) algorithm as the `munkres` Python package runs it (the official
 * HigherHRNet grouping calls `Munkres().compute`): the same steps in the same scan order, so ties
 * resolve to the same assignment. A non-square matrix is padded with zeros to a square; the result
 * lists (row, column) pairs inside the original matrix, by row.
 */
export function munkres(cost: ReadonlyArray<ArrayLike<number>>): Array<[number, number]> {
  const rows = cost.length;
  if (rows === 0) return [];
  const cols = cost[0].length;
  for (const row of cost) {
    if (row.length !== cols) throw new Error(`munkres needs a rectangular matrix; rows have ${cols} and ${row.length} entries`);
    for (let j = 0; j < cols; j++) {
      if (!Number.isFinite(row[j])) throw new Error(`munkres needs finite costs, got ${row[j]}`);
    }
  }
  const n = Math.max(rows, cols);
  const c = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i < rows && j < cols ? cost[i][j] : 0)));
  const marked = Array.from({ length: n }, () => new Uint8Array(n)); // 1 star, 2 prime
  const rowCovered = new Uint8Array(n);
  const colCovered = new Uint8Array(n);
  const clearCovers = () => {
    rowCovered.fill(0);
    colCovered.fill(0);
  };
  const findInRow = (r: number, mark: number) => marked[r].indexOf(mark);
  const findStarInCol = (col: number) => {
    for (let i = 0; i < n; i++) if (marked[i][col] === 1) return i;
    return -1;
  };
  // munkres' __find_a_zero keeps scanning the row after a hit: it returns the LAST uncovered zero of
  // the first row (from i0, columns from j0 wrapping) that has one.
  const findZero = (i0: number, j0: number): [number, number] => {
    let i = i0;
    do {
      let found = -1;
      let j = j0;
      do {
        if (c[i][j] === 0 && !rowCovered[i] && !colCovered[j]) found = j;
        j = (j + 1) % n;
      } while (j !== j0);
      if (found >= 0) return [i, found];
      i = (i + 1) % n;
    } while (i !== i0);
    return [-1, -1];
  };

  // Step 1: subtract each row's minimum.
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    for (let j = 0; j < n; j++) min = Math.min(min, c[i][j]);
    for (let j = 0; j < n; j++) c[i][j] -= min;
  }
  // Step 2: star a zero with no starred zero in its row or column.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (c[i][j] === 0 && !colCovered[j] && !rowCovered[i]) {
        marked[i][j] = 1;
        colCovered[j] = 1;
        rowCovered[i] = 1;
        break;
      }
    }
  }
  clearCovers();

  let step = 3;
  let z0: [number, number] = [0, 0];
  for (;;) {
    if (step === 3) {
      // Cover each column with a starred zero; n covered → done.
      let count = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (marked[i][j] === 1 && !colCovered[j]) {
            colCovered[j] = 1;
            count++;
          }
        }
      }
      if (count >= n) break;
      step = 4;
    } else if (step === 4) {
      // Prime uncovered zeros until one has no star in its row (→ 5), or none is left (→ 6).
      let row = 0;
      let col = 0;
      for (;;) {
        [row, col] = findZero(row, col);
        if (row < 0) {
          step = 6;
          break;
        }
        marked[row][col] = 2;
        const star = findInRow(row, 1);
        if (star >= 0) {
          col = star;
          rowCovered[row] = 1;
          colCovered[col] = 0;
        } else {
          z0 = [row, col];
          step = 5;
          break;
        }
      }
    } else if (step === 5) {
      // Alternate primes and stars from z0, flip them, erase primes, uncover all.
      const path: Array<[number, number]> = [z0];
      for (;;) {
        const r = findStarInCol(path[path.length - 1][1]);
        if (r < 0) break;
        path.push([r, path[path.length - 1][1]]);
        path.push([r, findInRow(r, 2)]);
      }
      for (const [r, col] of path) marked[r][col] = marked[r][col] === 1 ? 0 : 1;
      clearCovers();
      for (const row of marked) for (let j = 0; j < n; j++) if (row[j] === 2) row[j] = 0;
      step = 3;
    } else {
      // Step 6: add the smallest uncovered value to covered rows, subtract it from uncovered columns.
      let min = Infinity;
      for (let i = 0; i < n; i++) {
        if (rowCovered[i]) continue;
        for (let j = 0; j < n; j++) if (!colCovered[j] && c[i][j] < min) min = c[i][j];
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (rowCovered[i]) c[i][j] += min;
          if (!colCovered[j]) c[i][j] -= min;
        }
      }
      step = 4;
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (marked[i][j] === 1) pairs.push([i, j]);
  return pairs;
}
