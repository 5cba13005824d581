const f32 = Math.fround;

/**
 * mmdet 2.x `bbox_overlaps` (not aligned) in float32: every box of `a` (flat [M × 4]) against every
 * box of `b` (flat [N × 4]), widths x2 − x1 (no +1), union floored at eps 1e-6. Mode `iof` divides
 * by the area of the `a` box instead of the union. Returns [M × N] row-major (a-major).
 */
export function bboxOverlaps(a: Float32Array, b: Float32Array, mode: 'iou' | 'iof' = 'iou'): Float32Array {
  if (a.length % 4 !== 0 || b.length % 4 !== 0) {
    throw new Error(`bboxOverlaps: boxes must be flat N × 4 (x1, y1, x2, y2); got ${a.length} and ${b.length} values`);
  }
  const m = a.length / 4;
  const n = b.length / 4;
  const out = new Float32Array(m * n);
  const areaB = new Float32Array(n);
  for (let j = 0; j < n; j++) areaB[j] = f32(f32(b[4 * j + 2] - b[4 * j]) * f32(b[4 * j + 3] - b[4 * j + 1]));
  for (let i = 0; i < m; i++) {
    const ax1 = a[4 * i];
    const ay1 = a[4 * i + 1];
    const ax2 = a[4 * i + 2];
    const ay2 = a[4 * i + 3];
    const areaA = f32(f32(ax2 - ax1) * f32(ay2 - ay1));
    for (let j = 0; j < n; j++) {
      const w = Math.max(f32(Math.min(ax2, b[4 * j + 2]) - Math.max(ax1, b[4 * j])), 0);
      const h = Math.max(f32(Math.min(ay2, b[4 * j + 3]) - Math.max(ay1, b[4 * j + 1])), 0);
      const overlap = f32(w * h);
      const union = mode === 'iou' ? f32(f32(areaA + areaB[j]) - overlap) : areaA;
      out[i * n + j] = f32(overlap / Math.max(union, 1e-6));
    }
  }
  return out;
}
