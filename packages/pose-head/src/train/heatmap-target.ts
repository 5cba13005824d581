/** Settings of the official Gaussian target (JointsDataset.generate_target). */
export interface TargetOptions {
  /** Network input [width, height]. */
  imageSize: [number, number];
  /** Heatmap [width, height]. */
  heatmapSize: [number, number];
  /** Gaussian sigma in heatmap pixels (2 for 256×192, 3 for 384×288). */
  sigma: number;
  /** Optional per-joint weights (`joints_weight`, used when USE_DIFFERENT_JOINTS_WEIGHT). */
  jointsWeight?: number[];
}

/** One sample's heatmap target: `target` [J, H, W] row-major, `targetWeight` [J]. */
export interface HeatmapTarget {
  target: Float32Array;
  targetWeight: Float32Array;
}

/**
 * The official Gaussian heatmap target: per joint a Gaussian (peak 1, unnormalised) of radius
 * 3σ centred at int(joint / stride + 0.5), clipped to the map; weight = visibility (clamped to
 * 1), 0 when the window lies entirely outside the map. `joints` are [x, y] in input pixels.
 */
export function generateTarget(joints: Array<[number, number]>, visibility: number[], options: TargetOptions): HeatmapTarget {
  const [imageW, imageH] = options.imageSize;
  const [w, h] = options.heatmapSize;
  const { sigma } = options;
  const numJoints = joints.length;
  const target = new Float32Array(numJoints * w * h);
  const targetWeight = new Float32Array(numJoints);
  const radius = sigma * 3;
  const size = 2 * radius + 1;
  // The Gaussian window, centred at (radius, radius) like the official g array.
  const g = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) g[y * size + x] = Math.exp(-((x - radius) ** 2 + (y - radius) ** 2) / (2 * sigma * sigma));
  }
  for (let j = 0; j < numJoints; j++) {
    targetWeight[j] = Math.min(visibility[j] ?? 0, 1) > 0 ? 1 : 0;
    const strideX = imageW / w;
    const strideY = imageH / h;
    const muX = Math.trunc(joints[j][0] / strideX + 0.5);
    const muY = Math.trunc(joints[j][1] / strideY + 0.5);
    const ul = [Math.trunc(muX - radius), Math.trunc(muY - radius)];
    const br = [Math.trunc(muX + radius + 1), Math.trunc(muY + radius + 1)];
    if (ul[0] >= w || ul[1] >= h || br[0] < 0 || br[1] < 0) {
      targetWeight[j] = 0;
      continue;
    }
    if (targetWeight[j] === 0) continue;
    const gx0 = Math.max(0, -ul[0]);
    const gx1 = Math.min(br[0], w) - ul[0];
    const gy0 = Math.max(0, -ul[1]);
    const gy1 = Math.min(br[1], h) - ul[1];
    const ix0 = Math.max(0, ul[0]);
    const iy0 = Math.max(0, ul[1]);
    for (let gy = gy0, iy = iy0; gy < gy1; gy++, iy++) {
      for (let gx = gx0, ix = ix0; gx < gx1; gx++, ix++) target[(j * h + iy) * w + ix] = g[gy * size + gx];
    }
  }
  if (options.jointsWeight) for (let j = 0; j < numJoints; j++) targetWeight[j] *= options.jointsWeight[j];
  return { target, targetWeight };
}
