/**
 * `torch.topk(x, k, largest=True, sorted=True)` on CPU (PyTorch 1.x `topk_impl_loop`): a queue of
 * (value, index) pairs ordered with libstdc++'s `std::partial_sort` when k·64 ≤ n, else
 * `std::nth_element` + `std::sort` of the first k − 1, comparing values only (NaN first). Ported
 * step by step so equal values come out in the same order as in the official HeatmapParser, where
 * upsampled heatmaps can hold exact plateaus. Returns the indices of the k largest, best first.
 */
export function torchTopk(values: ArrayLike<number>, k: number): Int32Array {
  const n = values.length;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`topk: k must be an integer in 0..${n}, got ${k}`);
  const q = Int32Array.from({ length: n }, (_, i) => i);
  const greater = (a: number, b: number) => {
    const x = values[a];
    const y = values[b];
    return (Number.isNaN(x) && !Number.isNaN(y)) || x > y;
  };
  // comp on queue slots, and on a slot against a held element.
  const comp = (i: number, j: number) => greater(q[i], q[j]);
  const swap = (i: number, j: number) => {
    const t = q[i];
    q[i] = q[j];
    q[j] = t;
  };
  const div2 = (x: number) => Math.trunc(x / 2); // C++ integer division

  const pushHeap = (first: number, hole: number, top: number, value: number) => {
    let parent = div2(hole - 1);
    while (hole > top && greater(q[first + parent], value)) {
      q[first + hole] = q[first + parent];
      hole = parent;
      parent = div2(hole - 1);
    }
    q[first + hole] = value;
  };
  const adjustHeap = (first: number, hole: number, len: number, value: number) => {
    const top = hole;
    let second = hole;
    while (second < div2(len - 1)) {
      second = 2 * (second + 1);
      if (comp(first + second, first + second - 1)) second--;
      q[first + hole] = q[first + second];
      hole = second;
    }
    if ((len & 1) === 0 && second === div2(len - 2)) {
      second = 2 * (second + 1);
      q[first + hole] = q[first + second - 1];
      hole = second - 1;
    }
    pushHeap(first, hole, top, value);
  };
  const makeHeap = (first: number, last: number) => {
    const len = last - first;
    if (len < 2) return;
    for (let parent = div2(len - 2); ; parent--) {
      adjustHeap(first, parent, len, q[first + parent]);
      if (parent === 0) return;
    }
  };
  const popHeap = (first: number, last: number, result: number) => {
    const value = q[result];
    q[result] = q[first];
    adjustHeap(first, 0, last - first, value);
  };
  const heapSelect = (first: number, middle: number, last: number) => {
    makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (comp(i, first)) popHeap(first, middle, i);
  };
  const sortHeap = (first: number, last: number) => {
    while (last - first > 1) {
      last--;
      popHeap(first, last, last);
    }
  };
  const partialSort = (first: number, middle: number, last: number) => {
    heapSelect(first, middle, last);
    sortHeap(first, middle);
  };
  const unguardedLinearInsert = (last: number) => {
    const value = q[last];
    let next = last - 1;
    while (greater(value, q[next])) {
      q[last] = q[next];
      last = next;
      next--;
    }
    q[last] = value;
  };
  const insertionSort = (first: number, last: number) => {
    if (first === last) return;
    for (let i = first + 1; i < last; i++) {
      if (comp(i, first)) {
        const value = q[i];
        q.copyWithin(first + 1, first, i);
        q[first] = value;
      } else {
        unguardedLinearInsert(i);
      }
    }
  };
  const moveMedianToFirst = (result: number, a: number, b: number, c: number) => {
    if (comp(a, b)) {
      if (comp(b, c)) swap(result, b);
      else if (comp(a, c)) swap(result, c);
      else swap(result, a);
    } else if (comp(a, c)) swap(result, a);
    else if (comp(b, c)) swap(result, c);
    else swap(result, b);
  };
  const unguardedPartition = (first: number, last: number, pivot: number) => {
    for (;;) {
      while (comp(first, pivot)) first++;
      last--;
      while (comp(pivot, last)) last--;
      if (!(first < last)) return first;
      swap(first, last);
      first++;
    }
  };
  const partitionPivot = (first: number, last: number) => {
    const mid = first + div2(last - first);
    moveMedianToFirst(first, first + 1, mid, last - 1);
    return unguardedPartition(first + 1, last, first);
  };
  const lg = (x: number) => 31 - Math.clz32(x);
  const nthElement = (first: number, nth: number, last: number) => {
    if (first === last || nth === last) return;
    let depth = lg(last - first) * 2;
    while (last - first > 3) {
      if (depth === 0) {
        heapSelect(first, nth + 1, last);
        swap(first, nth);
        return;
      }
      depth--;
      const cut = partitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    insertionSort(first, last);
  };
  const introsortLoop = (first: number, last: number, depth: number) => {
    while (last - first > 16) {
      if (depth === 0) {
        partialSort(first, last, last);
        return;
      }
      depth--;
      const cut = partitionPivot(first, last);
      introsortLoop(cut, last, depth);
      last = cut;
    }
  };
  const sort = (first: number, last: number) => {
    if (first === last) return;
    introsortLoop(first, last, lg(last - first) * 2);
    if (last - first > 16) {
      insertionSort(first, first + 16);
      for (let i = first + 16; i < last; i++) unguardedLinearInsert(i);
    } else {
      insertionSort(first, last);
    }
  };

  if (k === 0) return new Int32Array(0);
  if (k * 64 <= n) {
    partialSort(0, k, n);
  } else {
    nthElement(0, k - 1, n);
    sort(0, k - 1);
  }
  return q.slice(0, k);
}
