/**
 * The few NumPy behaviours COCOeval's numbers depend on, reproduced bit for bit: `linspace`,
 * pairwise summation (`np.sum` / `np.mean` on float64), `np.spacing(1)`, stable `argsort`
 * (`kind='mergesort'`) and `searchsorted(side='left')`.
 */

/** `np.spacing(1)`: the float64 machine epsilon COCOeval adds to avoid dividing by zero. */
export const EPS = 2.220446049250313e-16;

/**
 * `np.linspace(start, stop, num)` with NumPy's arithmetic: `i * step + start`, the last value set
 * to `stop` exactly. So `linspace(.5, .95, 10)[8]` is 0.8999999999999999, as in COCOeval.
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/**
 * NumPy's float64 `add.reduce` (pairwise summation with 8 accumulators, blocks of 128), so sums
 * and means round exactly as `np.sum` / `np.mean` do.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => values[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += values[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(values, start, n2) + pairwiseSum(values, start + n2, n - n2);
}

/** `np.mean` of a float64 vector (pairwise sum, then one division). */
export function numpyMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/**
 * `np.argsort(-scores, kind='mergesort')`: indices by descending score; equal scores keep their
 * input order (Array.prototype.sort is stable since ES2019).
 */
export function argsortDescending(scores: ArrayLike<number>): number[] {
  const s = Float64Array.from(scores);
  const order = Array.from({ length: s.length }, (_, i) => i);
  // NaN (never in validated results) sorts last, as NumPy puts it.
  return order.sort((a, b) => {
    const x = s[a];
    const y = s[b];
    if (x > y) return -1;
    if (x < y) return 1;
    if (Number.isNaN(x) || Number.isNaN(y)) return (Number.isNaN(x) ? 1 : 0) - (Number.isNaN(y) ? 1 : 0);
    return 0;
  });
}

/**
 * `np.searchsorted(sorted, queries, side='left')` for ascending `sorted` and ascending `queries`:
 * for each query the first index whose value is >= it (`sorted.length` when none).
 */
export function searchsortedLeft(sorted: ArrayLike<number>, queries: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let q = 0; q < queries.length; q++) {
    // Binary search: the queries need not be ascending for correctness.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < queries[q]) lo = mid + 1;
      else hi = mid;
    }
    out.push(lo);
  }
  return out;
}

/**
 * Python's `'{:0.{digits}f}'.format(x)`: correctly rounded with ties to even (JS `toFixed` breaks
 * exact ties upwards, e.g. 0.0625 → "0.063" where Python prints "0.062").
 */
export function formatFixed(x: number, digits: number): string {
  const text = x.toFixed(digits);
  // An exact decimal tie at `digits` places is a dyadic odd multiple of 2^-(digits+1).
  const scaled = Math.abs(x) * 2 ** (digits + 1);
  if (!Number.isInteger(scaled) || scaled % 2 === 0 || Math.abs(x) >= 1e15) return text;
  const units = Math.abs(x) * 10 ** digits; // exactly k + 0.5 here
  const down = Math.floor(units);
  const even = down % 2 === 0 ? down : down + 1;
  const sign = x < 0 ? '-' : '';
  return sign + (even / 10 ** digits).toFixed(digits);
}
