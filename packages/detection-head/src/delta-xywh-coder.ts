const f32 = Math.fround;

/** mmdet `DeltaXYWHBBoxCoder` settings. */
export interface DeltaXYWHCoderConfig {
  means: [number, number, number, number];
  stds: [number, number, number, number];
  /** Largest |log| scale change: exp(dw) is clamped to [ratio, 1/ratio]. */
  whRatioClip?: number;
  /** Clip decoded boxes to the image (mmdet's `clip_border`, default true). */
  clipBorder?: boolean;
}

/**
 * mmdet 2.x `delta2bbox` in float32: reference boxes (x1, y1, x2, y2), deltas (dx, dy, dw, dh) ·
 * stds + means; width = x2 − x1 (no +1), dw/dh clamped to ±|log(wh_ratio_clip)|, corners
 * centre ± size/2, then clipped to [0, W] × [0, H] of `maxShape` = [height, width].
 *
 * `rois` is flat [N × 4]; `deltas` is flat [N × 4k] (k = 1, or one box per class): every group of
 * four is decoded against its row's roi. Returns flat [N × 4k].
 */
export function deltaXYWHDecode(
  rois: Float32Array,
  deltas: Float32Array,
  config: DeltaXYWHCoderConfig,
  maxShape?: readonly [number, number],
): Float32Array {
  const n = rois.length / 4;
  if (!Number.isInteger(n) || (n > 0 && deltas.length % (n * 4) !== 0)) {
    throw new Error(`deltaXYWHDecode: ${rois.length / 4} rois do not match ${deltas.length} delta values (need N × 4k)`);
  }
  const k = n === 0 ? 0 : deltas.length / (n * 4);
  const { means, stds, whRatioClip = 16 / 1000, clipBorder = true } = config;
  const maxRatio = f32(Math.abs(Math.log(whRatioClip)));
  const out = new Float32Array(deltas.length);
  const clip = clipBorder && maxShape !== undefined;
  const maxX = maxShape ? f32(maxShape[1]) : 0;
  const maxY = maxShape ? f32(maxShape[0]) : 0;
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let i = 0; i < n; i++) {
    const x1 = rois[4 * i];
    const y1 = rois[4 * i + 1];
    const x2 = rois[4 * i + 2];
    const y2 = rois[4 * i + 3];
    const px = f32(f32(x1 + x2) * 0.5);
    const py = f32(f32(y1 + y2) * 0.5);
    const pw = f32(x2 - x1);
    const ph = f32(y2 - y1);
    for (let c = 0; c < k; c++) {
      const o = (i * k + c) * 4;
      const dx = f32(f32(deltas[o] * f32(stds[0])) + f32(means[0]));
      const dy = f32(f32(deltas[o + 1] * f32(stds[1])) + f32(means[1]));
      const dw = Math.min(Math.max(f32(f32(deltas[o + 2] * f32(stds[2])) + f32(means[2])), -maxRatio), maxRatio);
      const dh = Math.min(Math.max(f32(f32(deltas[o + 3] * f32(stds[3])) + f32(means[3])), -maxRatio), maxRatio);
      const gw = f32(pw * f32(Math.exp(dw)));
      const gh = f32(ph * f32(Math.exp(dh)));
      const gx = f32(px + f32(pw * dx));
      const gy = f32(py + f32(ph * dy));
      const bx1 = f32(gx - f32(gw * 0.5));
      const by1 = f32(gy - f32(gh * 0.5));
      const bx2 = f32(gx + f32(gw * 0.5));
      const by2 = f32(gy + f32(gh * 0.5));
      out[o] = clip ? clamp(bx1, maxX) : bx1;
      out[o + 1] = clip ? clamp(by1, maxY) : by1;
      out[o + 2] = clip ? clamp(bx2, maxX) : bx2;
      out[o + 3] = clip ? clamp(by2, maxY) : by2;
    }
  }
  return out;
}

/**
 * mmdet 2.x `bbox2delta` (the coder's `encode`, for training targets): proposals and ground truth
 * (flat [N × 4]) → deltas ((g − p) / size, log ratios), normalised by means/stds. Float32.
 */
export function deltaXYWHEncode(proposals: Float32Array, gt: Float32Array, config: DeltaXYWHCoderConfig): Float32Array {
  if (proposals.length !== gt.length || proposals.length % 4 !== 0) {
    throw new Error(`deltaXYWHEncode: proposals (${proposals.length}) and gt (${gt.length}) must both be N × 4 values`);
  }
  const out = new Float32Array(proposals.length);
  const { means, stds } = config;
  for (let o = 0; o < proposals.length; o += 4) {
    const px = f32(f32(proposals[o] + proposals[o + 2]) * 0.5);
    const py = f32(f32(proposals[o + 1] + proposals[o + 3]) * 0.5);
    const pw = f32(proposals[o + 2] - proposals[o]);
    const ph = f32(proposals[o + 3] - proposals[o + 1]);
    const gx = f32(f32(gt[o] + gt[o + 2]) * 0.5);
    const gy = f32(f32(gt[o + 1] + gt[o + 3]) * 0.5);
    const gw = f32(gt[o + 2] - gt[o]);
    const gh = f32(gt[o + 3] - gt[o + 1]);
    const d = [f32(f32(gx - px) / pw), f32(f32(gy - py) / ph), f32(Math.log(f32(gw / pw))), f32(Math.log(f32(gh / ph)))];
    for (let j = 0; j < 4; j++) out[o + j] = f32(f32(d[j] - f32(means[j])) / f32(stds[j]));
  }
  return out;
}
