/** `np.packbits` of an [N, H, W] bool array (big-endian bits, C order) → N row-major 0/1 bitmaps. */
export function unpackMasks(packed: ArrayLike<number>, n: number, height: number, width: number): Uint8Array[] {
  const size = height * width;
  if (packed.length * 8 < n * size) throw new Error(`unpackMasks: ${packed.length} bytes cannot hold ${n}×${height}×${width} bits`);
  return Array.from({ length: n }, (_, i) => {
    const m = new Uint8Array(size);
    for (let p = 0; p < size; p++) {
      const bit = i * size + p;
      m[p] = (packed[bit >> 3] >> (7 - (bit & 7))) & 1;
    }
    return m;
  });
}

/** IoU of two same-sized 0/1 bitmaps (1 when both are empty). */
export function bitmapIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`bitmapIou: ${a.length} vs ${b.length} pixels`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 1 : inter / union;
}

/** [x1, y1, x2, y2, score] rows from boxes (flat [M × 4]) and scores, as the box matchers take them. */
export function withScores(boxes: ArrayLike<number>, scores: ArrayLike<number>): Float32Array {
  const out = new Float32Array(scores.length * 5);
  for (let i = 0; i < scores.length; i++) {
    for (let k = 0; k < 4; k++) out[5 * i + k] = boxes[4 * i + k];
    out[5 * i + 4] = scores[i];
  }
  return out;
}
