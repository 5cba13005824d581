import { COCO_DATASET } from './datasets.js';

/** What OKS-NMS needs of a pose: keypoints (x, y, score), its area and its score. */
export interface OksCandidate {
  keypoints: ReadonlyArray<{ x: number; y: number; score: number }>;
  /** (scale_w·200)·(scale_h·200), as the official evaluation. */
  area: number;
  score: number;
}

/** numpy's `np.spacing(1)`: keeps the OKS denominator non-zero. */
const EPS = 2.220446049250313e-16;

function sigmasFor(numJoints: number, sigmas?: readonly number[]): readonly number[] {
  const s = sigmas ?? (numJoints === COCO_DATASET.keypoints.length ? COCO_DATASET.sigmas : undefined);
  if (!s || s.length !== numJoints) {
    throw new Error(`OKS needs one sigma per keypoint: ${numJoints} keypoints but ${s ? s.length : 'no'} sigmas (COCO's 17 are the default)`);
  }
  return s;
}

/**
 * Official `oks_iou`: OKS of pose `g` with each of `ds`, areas averaged. With `inVisThre` only
 * keypoints of `d` scoring above it count (the official `list(vg > t) and list(vd > t)` evaluates
 * to the `d` mask alone).
 */
export function oksIou(g: OksCandidate, ds: readonly OksCandidate[], sigmas?: readonly number[], inVisThre?: number): number[] {
  const s = sigmasFor(g.keypoints.length, sigmas);
  return ds.map((d) => {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < s.length; k++) {
      if (inVisThre !== undefined && !(d.keypoints[k].score > inVisThre)) continue;
      const dx = d.keypoints[k].x - g.keypoints[k].x;
      const dy = d.keypoints[k].y - g.keypoints[k].y;
      const e = (dx ** 2 + dy ** 2) / (s[k] * 2) ** 2 / ((g.area + d.area) / 2 + EPS) / 2;
      sum += Math.exp(-e);
      count++;
    }
    return count ? sum / count : 0;
  });
}

/**
 * Official greedy `oks_nms`: repeatedly keep the best-scoring pose and drop the others whose OKS with
 * it exceeds `threshold`. Returns kept indices, best first. Ties in score go to the later index,
 * as `scores.argsort()[::-1]` orders them.
 */
export function oksNms(candidates: readonly OksCandidate[], threshold = 0.9, sigmas?: readonly number[], inVisThre?: number): number[] {
  // Stable ascending sort, then reversed: the official order, ties included.
  let order = candidates
    .map((_c, i) => i)
    .sort((a, b) => candidates[a].score - candidates[b].score || a - b)
    .reverse();
  const keep: number[] = [];
  while (order.length > 0) {
    const [i, ...rest] = order;
    keep.push(i);
    const ovr = oksIou(candidates[i], rest.map((r) => candidates[r]), sigmas, inVisThre);
    order = rest.filter((_, k) => ovr[k] <= threshold);
  }
  return keep;
}

/**
 * Official COCO rescoring: score = box score × mean of the keypoint scores above `inVisThre`
 * (0 when none is). Returns the new scores; a missing box score counts as 1 (ground-truth boxes).
 */
export function rescorePoses(
  poses: ReadonlyArray<{ keypoints: ReadonlyArray<{ score: number }>; box?: { score?: number } }>,
  inVisThre = 0.2,
): number[] {
  return poses.map((pose) => {
    let sum = 0;
    let valid = 0;
    for (const { score } of pose.keypoints) {
      if (score > inVisThre) {
        sum += score;
        valid++;
      }
    }
    return (valid ? sum / valid : 0) * (pose.box?.score ?? 1);
  });
}
