import { EPS, pairwiseSum } from './numpy-math.js';

/** What OKS needs of a ground-truth person. */
export interface OksGroundTruth {
  /** `[x, y, v] × K`. */
  keypoints: readonly number[];
  /** `[x, y, w, h]`; used only when no keypoint is labelled. */
  bbox: readonly number[];
  /** Object area (COCO's segment area), the scale of the keypoint error. */
  area: number;
}

/**
 * COCOeval's `computeOks`: object keypoint similarity of every detection with every ground truth,
 * `mean(exp(-d² / (2σ)² / (area + eps) / 2))` over the ground truth's labelled keypoints (v > 0).
 * For a ground truth without labelled keypoints, d is each detected keypoint's distance to the
 * ground-truth box doubled around itself (`[x − w, x + 2w] × [y − h, y + 2h]`) and all K count.
 *
 * @param dts detected keypoints `[x, y, c] × K`, already sorted by score and cut to maxDets.
 * @returns `oks[d][g]`; `[]` when either list is empty (as pycocotools).
 */
export function computeOks(dts: readonly (readonly number[])[], gts: readonly OksGroundTruth[], sigmas: readonly number[]): number[][] {
  if (dts.length === 0 || gts.length === 0) return [];
  const k = sigmas.length;
  // NumPy squares with x * x (`**2` takes np.square's fast path).
  const vars = sigmas.map((s) => (s * 2) * (s * 2));
  for (const [i, d] of dts.entries()) {
    if (d.length !== 3 * k) throw new Error(`computeOks: detection ${i} has ${d.length / 3} keypoints, the sigmas ${k}`);
  }
  const out = dts.map(() => new Array<number>(gts.length).fill(0));
  const e = new Float64Array(k);
  const dx = new Float64Array(k);
  const dy = new Float64Array(k);
  for (let j = 0; j < gts.length; j++) {
    const gt = gts[j];
    const g = gt.keypoints;
    if (g.length !== 3 * k) throw new Error(`computeOks: ground truth ${j} has ${g.length / 3} keypoints, the sigmas ${k}`);
    let k1 = 0;
    for (let t = 0; t < k; t++) if (g[3 * t + 2] > 0) k1++;
    const bb = gt.bbox;
    const x0 = bb[0] - bb[2];
    const x1 = bb[0] + bb[2] * 2;
    const y0 = bb[1] - bb[3];
    const y1 = bb[1] + bb[3] * 2;
    for (let i = 0; i < dts.length; i++) {
      const d = dts[i];
      for (let t = 0; t < k; t++) {
        const xd = d[3 * t];
        const yd = d[3 * t + 1];
        if (k1 > 0) {
          dx[t] = xd - g[3 * t];
          dy[t] = yd - g[3 * t + 1];
        } else {
          dx[t] = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy[t] = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
      }
      let n = 0;
      for (let t = 0; t < k; t++) {
        if (k1 > 0 && !(g[3 * t + 2] > 0)) continue;
        const et = (dx[t] * dx[t] + dy[t] * dy[t]) / vars[t] / (gt.area + EPS) / 2;
        e[n++] = Math.exp(-et);
      }
      out[i][j] = pairwiseSum(e, 0, n) / n;
    }
  }
  return out;
}
