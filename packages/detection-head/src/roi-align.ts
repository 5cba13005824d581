const f32 = Math.fround;

/** One NHWC feature map of a single image, on the host. */
export interface FeatureMap {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** mmcv `RoIAlign` settings. */
export interface RoIAlignOptions {
  /** Output bins per side (7 in Faster R-CNN). */
  outputSize: number;
  /** 1 / feature stride. */
  spatialScale: number;
  /** Samples per bin side; 0 = adaptive ceil(roi size / output size). */
  samplingRatio: number;
  /** true: pixel-centre model (shift by −0.5, no minimum roi size) — mmdet 2.x. */
  aligned: boolean;
}

/**
 * RoIAlign (avg pooling) with torchvision's / mmcv's CPU semantics: each output bin averages
 * bilinear samples on a regular grid; samples more than one pixel outside the map are 0, samples
 * at the border clamp. `rois` is flat [N × 4] image coordinates. Returns [N, C, P, P] flat, in
 * PyTorch's channel-major order, ready to be flattened for the FC head.
 */
export function roiAlign(feature: FeatureMap, rois: Float32Array, options: RoIAlignOptions): Float32Array {
  const { data, height, width, channels: C } = feature;
  if (data.length !== height * width * C) throw new Error(`roiAlign: feature data has ${data.length} values, expected ${height}×${width}×${C}`);
  const P = options.outputSize;
  const n = rois.length / 4;
  const out = new Float32Array(n * C * P * P);
  const offset = options.aligned ? 0.5 : 0;
  const acc = new Float32Array(C);
  for (let r = 0; r < n; r++) {
    const startW = f32(rois[4 * r] * options.spatialScale - offset);
    const startH = f32(rois[4 * r + 1] * options.spatialScale - offset);
    const endW = f32(rois[4 * r + 2] * options.spatialScale - offset);
    const endH = f32(rois[4 * r + 3] * options.spatialScale - offset);
    let roiW = f32(endW - startW);
    let roiH = f32(endH - startH);
    if (!options.aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = f32(roiH / P);
    const binW = f32(roiW / P);
    const gridH = options.samplingRatio > 0 ? options.samplingRatio : Math.ceil(f32(roiH / P));
    const gridW = options.samplingRatio > 0 ? options.samplingRatio : Math.ceil(f32(roiW / P));
    const count = Math.max(gridH * gridW, 1);
    for (let ph = 0; ph < P; ph++) {
      for (let pw = 0; pw < P; pw++) {
        acc.fill(0);
        for (let iy = 0; iy < gridH; iy++) {
          const y = f32(f32(startH + f32(ph * binH)) + f32(f32(f32(iy + 0.5) * binH) / gridH));
          for (let ix = 0; ix < gridW; ix++) {
            const x = f32(f32(startW + f32(pw * binW)) + f32(f32(f32(ix + 0.5) * binW) / gridW));
            accumulateBilinear(acc, data, height, width, C, y, x);
          }
        }
        const base = r * C * P * P + ph * P + pw;
        for (let c = 0; c < C; c++) out[base + c * P * P] = acc[c] / count;
      }
    }
  }
  return out;
}

/**
 * The four taps of a bilinear sample at (y, x) of an H×W map with torchvision's RoIAlign border
 * rules: writes pixel indices to `taps[0..3]` and their weights to `taps[4..7]`; false when the
 * point lies outside (it then contributes nothing). Shared by inference and the trainable RoIAlign.
 */
export function bilinearTaps(H: number, W: number, yIn: number, xIn: number, taps: Float64Array): boolean {
  if (yIn < -1 || yIn > H || xIn < -1 || xIn > W) return false;
  let y = yIn <= 0 ? 0 : yIn;
  let x = xIn <= 0 ? 0 : xIn;
  let yLow = Math.trunc(y);
  let xLow = Math.trunc(x);
  let yHigh: number;
  let xHigh: number;
  if (yLow >= H - 1) {
    yHigh = yLow = H - 1;
    y = yLow;
  } else yHigh = yLow + 1;
  if (xLow >= W - 1) {
    xHigh = xLow = W - 1;
    x = xLow;
  } else xHigh = xLow + 1;
  const ly = f32(y - yLow);
  const lx = f32(x - xLow);
  const hy = f32(1 - ly);
  const hx = f32(1 - lx);
  taps[0] = yLow * W + xLow;
  taps[1] = yLow * W + xHigh;
  taps[2] = yHigh * W + xLow;
  taps[3] = yHigh * W + xHigh;
  taps[4] = f32(hy * hx);
  taps[5] = f32(hy * lx);
  taps[6] = f32(ly * hx);
  taps[7] = f32(ly * lx);
  return true;
}

const scratch = new Float64Array(8);

/** Adds the bilinear sample at (y, x) of every channel to `acc`. */
function accumulateBilinear(acc: Float32Array, data: Float32Array, H: number, W: number, C: number, yIn: number, xIn: number): void {
  if (!bilinearTaps(H, W, yIn, xIn, scratch)) return;
  const [p1, p2, p3, p4] = [scratch[0] * C, scratch[1] * C, scratch[2] * C, scratch[3] * C];
  const [w1, w2, w3, w4] = [scratch[4], scratch[5], scratch[6], scratch[7]];
  for (let c = 0; c < C; c++) {
    acc[c] += w1 * data[p1 + c] + w2 * data[p2 + c] + w3 * data[p3 + c] + w4 * data[p4 + c];
  }
}
