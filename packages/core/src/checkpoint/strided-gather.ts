/** True if `stride` is the row-major layout of `shape` (size-1 dims may have any stride). */
export function isRowMajor(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * Copies `count` elements laid out by `shape` / `stride` (in elements, starting at element
 * `start` of `src`) into a fresh row-major byte array. The caller has checked every index is in
 * bounds; the walk is an odometer over the outer dims with a tight loop over the last one.
 */
export function gatherStrided(
  src: Uint8Array,
  start: number,
  elementSize: number,
  shape: readonly number[],
  stride: readonly number[],
  count: number,
): Uint8Array {
  const out = new Uint8Array(count * elementSize);
  if (count === 0) return out;
  if (isRowMajor(shape, stride)) {
    out.set(src.subarray(start * elementSize, (start + count) * elementSize));
    return out;
  }
  const rank = shape.length;
  const inner = shape[rank - 1];
  const innerStride = stride[rank - 1] * elementSize;
  const index = new Array<number>(rank).fill(0);
  let rowStart = start;
  let o = 0;
  for (let row = 0, rows = count / inner; row < rows; row++) {
    let s = rowStart * elementSize;
    for (let j = 0; j < inner; j++, s += innerStride) {
      for (let b = 0; b < elementSize; b++) out[o++] = src[s + b];
    }
    for (let d = rank - 2; d >= 0; d--) {
      rowStart += stride[d];
      if (++index[d] < shape[d]) break;
      rowStart -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
