import type { Point } from './raster.js';

/**
 * COCO `keypoints` ([x, y, v] × K) of instance `id` from its exact joint positions and the final
 * instance mask: outside the image → (0, 0, 0), as COCO leaves such points unlabelled; on a pixel
 * owned by an object painted later (higher id) → v = 1, labelled but hidden; otherwise v = 2.
 * The figure never hides its own keypoints. Coordinates keep two decimals.
 */
export function cocoKeypoints(points: readonly Point[], instanceMask: Int32Array, width: number, height: number, id: number): number[] {
  return points.flatMap(({ x, y }) => {
    const [kx, ky] = [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
    // The pixel whose centre is nearest (pixel centres at integer coordinates).
    const [px, py] = [Math.round(kx), Math.round(ky)];
    if (px < 0 || py < 0 || px >= width || py >= height) return [0, 0, 0];
    return [kx, ky, instanceMask[py * width + px] > id ? 1 : 2];
  });
}

/** Keypoints with v > 0 (COCO's `num_keypoints`). */
export function countLabelled(keypoints: readonly number[]): number {
  let n = 0;
  for (let k = 2; k < keypoints.length; k += 3) if (keypoints[k] > 0) n++;
  return n;
}
