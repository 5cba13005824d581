import { affineTransform, getAffineTransform } from './affine-transform.js';
import type { CenterScale } from './center-scale.js';

/** Heatmaps on the CPU in the official NCHW layout: `data[((n·J + j)·H + y)·W + x]`. */
export interface HeatmapArray {
  data: Float32Array;
  /** [batch, joints, height, width] */
  shape: [number, number, number, number];
}

/** Per-joint results: `coords[(n·J + j)·2 + {0: x, 1: y}]`, `maxvals[n·J + j]`. */
export interface JointPredictions {
  coords: Float32Array;
  maxvals: Float32Array;
}

/**
 * Official `get_max_preds`: per joint, the first maximum in row-major order gives x = idx mod W and
 * y = floor(idx / W); joints whose maximum is ≤ 0 get (0, 0), keeping their maxval.
 */
export function getMaxPreds(heatmaps: HeatmapArray): JointPredictions {
  const [n, j, h, w] = heatmaps.shape;
  const size = h * w;
  const coords = new Float32Array(n * j * 2);
  const maxvals = new Float32Array(n * j);
  for (let k = 0; k < n * j; k++) {
    const base = k * size;
    let best = 0;
    let max = heatmaps.data[base];
    for (let i = 1; i < size; i++) {
      const v = heatmaps.data[base + i];
      // NaN wins as numpy's argmax/amax propagate it.
      if (v > max || (Number.isNaN(v) && !Number.isNaN(max))) {
        max = v;
        best = i;
      }
    }
    maxvals[k] = max;
    if (max > 0) {
      coords[k * 2] = best % w;
      coords[k * 2 + 1] = Math.floor(best / w);
    }
  }
  return { coords, maxvals };
}

/**
 * The quarter-pixel refinement of `get_final_preds` (POST_PROCESS): moves each coordinate 0.25 px
 * towards its higher neighbour, only when 1 < px < W−1 and 1 < py < H−1 (px, py = floor(c + 0.5)).
 */
export function refineQuarterOffset(heatmaps: HeatmapArray, coords: Float32Array): void {
  const [n, j, h, w] = heatmaps.shape;
  for (let k = 0; k < n * j; k++) {
    const px = Math.floor(coords[k * 2] + 0.5);
    const py = Math.floor(coords[k * 2 + 1] + 0.5);
    if (1 < px && px < w - 1 && 1 < py && py < h - 1) {
      const hm = (yy: number, xx: number) => heatmaps.data[k * h * w + yy * w + xx];
      coords[k * 2] += Math.sign(hm(py, px + 1) - hm(py, px - 1)) * 0.25;
      coords[k * 2 + 1] += Math.sign(hm(py + 1, px) - hm(py - 1, px)) * 0.25;
    }
  }
}

/**
 * Heatmap coordinates → image pixels (`transform_preds`): the inverse affine of the crop with the
 * heatmap size as output size. Results are float32, as the official `preds` array.
 */
export function transformPreds(
  coords: Float32Array,
  boxes: readonly CenterScale[],
  heatmapSize: readonly [number, number],
  numJoints: number,
): Float32Array {
  const preds = new Float32Array(coords.length);
  boxes.forEach((box, n) => {
    const trans = getAffineTransform(box.center, box.scale, 0, heatmapSize, true);
    for (let j = 0; j < numJoints; j++) {
      const k = (n * numJoints + j) * 2;
      const [x, y] = affineTransform([coords[k], coords[k + 1]], trans);
      preds[k] = x;
      preds[k + 1] = y;
    }
  });
  return preds;
}

/**
 * Official `get_final_preds`: argmax per joint, the optional quarter-offset refinement, then
 * back-projection to image pixels with each person's center/scale. `maxvals` are the heatmap maxima.
 */
export function getFinalPreds(heatmaps: HeatmapArray, boxes: readonly CenterScale[], postProcess = true): JointPredictions {
  const [n, j, h, w] = heatmaps.shape;
  if (boxes.length !== n) throw new Error(`getFinalPreds: ${n} heatmap sets but ${boxes.length} boxes`);
  const { coords, maxvals } = getMaxPreds(heatmaps);
  if (postProcess) refineQuarterOffset(heatmaps, coords);
  return { coords: transformPreds(coords, boxes, [w, h], j), maxvals };
}
