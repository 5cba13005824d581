/** How two float arrays differ. */
export interface Difference {
  maxAbs: number;
  /** Standard deviation of the expected values. */
  std: number;
  /** maxAbs / std: the fixtures' tolerance unit ("1e-4 relative to the tensor's std"). */
  relToStd: number;
  /** Index of the largest difference. */
  worst: number;
}

/** Largest absolute difference of two equally long arrays, also relative to the expected std. */
export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>): Difference {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: actual ${actual.length} vs expected ${expected.length}`);
  }
  let maxAbs = 0;
  let worst = -1;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    // NaN must fail, so compare with !(d <= maxAbs).
    if (!(d <= maxAbs)) {
      maxAbs = Number.isNaN(d) ? Infinity : d;
      worst = i;
    }
    sum += expected[i];
    sumSq += expected[i] * expected[i];
  }
  const mean = sum / expected.length;
  const std = Math.sqrt(Math.max(sumSq / expected.length - mean * mean, 0));
  return { maxAbs, std, relToStd: maxAbs / (std || 1), worst };
}

/** Prints measured differences when `HRNET_ORACLE_VERBOSE` is set (how the READMEs' figures are taken). */
export function logDifferences(label: string, values: Record<string, number>): void {
  if (process.env.HRNET_ORACLE_VERBOSE) console.info(label, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v.toPrecision(3))])));
}
