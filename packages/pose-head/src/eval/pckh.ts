/** Ground truth of one MPII person as the official gt_valid.mat stores it (1-based pixel coordinates). */
export interface MpiiGroundTruth {
  /** [16][2] joint positions, 1-based (MATLAB). */
  joints: Array<[number, number]>;
  /** [16] 1 = annotated (official `1 − jnt_missing`). */
  visible: number[];
  /** Head box corners [[x1, y1], [x2, y2]]. */
  headBox: [[number, number], [number, number]];
}

/** PCKh per joint and the official summary rows (percentages). */
export interface PckhResult {
  perJoint: number[];
  head: number;
  shoulder: number;
  elbow: number;
  wrist: number;
  hip: number;
  knee: number;
  ankle: number;
  /** Visible-count-weighted mean over joints, pelvis and thorax excluded. */
  mean: number;
  /** The same mean at threshold 0.1. */
  meanAt01: number;
}

const SC_BIAS = 0.6;
// MPII joint ids (official mpii.py evaluate).
const J = { rank: 0, rkne: 1, rhip: 2, lhip: 3, lkne: 4, lank: 5, pelvis: 6, thorax: 7, head: 9, rwri: 10, relb: 11, rsho: 12, lsho: 13, lelb: 14, lwri: 15 };

function pckAt(predictions: Array<Array<[number, number]>>, truth: MpiiGroundTruth[], threshold: number): { pck: number[]; counts: number[] } {
  const joints = truth[0]?.joints.length ?? 16;
  const hits = new Array(joints).fill(0);
  const counts = new Array(joints).fill(0);
  predictions.forEach((pred, n) => {
    const gt = truth[n];
    const [[x1, y1], [x2, y2]] = gt.headBox;
    const headSize = Math.hypot(x2 - x1, y2 - y1) * SC_BIAS;
    for (let j = 0; j < joints; j++) {
      if (!gt.visible[j]) continue;
      counts[j]++;
      // Predictions are 0-based; the official evaluation adds 1 to compare with MATLAB coordinates.
      const error = Math.hypot(pred[j][0] + 1 - gt.joints[j][0], pred[j][1] + 1 - gt.joints[j][1]);
      if (error / headSize <= threshold) hits[j]++;
    }
  });
  return { pck: hits.map((h, j) => (100 * h) / counts[j]), counts };
}

/**
 * MPII PCKh as the official `MPIIDataset.evaluate`: a joint is correct when its distance to the
 * ground truth is at most `threshold` × 0.6 × head-box diagonal; joints are weighted by how often
 * they are visible, and pelvis / thorax are left out of the mean.
 */
export function pckh(predictions: Array<Array<[number, number]>>, truth: MpiiGroundTruth[], threshold = 0.5): PckhResult {
  if (predictions.length !== truth.length) {
    throw new Error(`pckh: ${predictions.length} predictions but ${truth.length} ground-truth people`);
  }
  const { pck, counts } = pckAt(predictions, truth, threshold);
  const pck01 = pckAt(predictions, truth, 0.1).pck;
  const included = counts.map((c, j) => (j === J.pelvis || j === J.thorax ? 0 : c));
  const total = included.reduce((a, b) => a + b, 0);
  const weighted = (values: number[]) => values.reduce((sum, v, j) => sum + (included[j] ? (v * included[j]) / total : 0), 0);
  const pair = (a: number, b: number) => 0.5 * (pck[a] + pck[b]);
  return {
    perJoint: pck,
    head: pck[J.head],
    shoulder: pair(J.lsho, J.rsho),
    elbow: pair(J.lelb, J.relb),
    wrist: pair(J.lwri, J.rwri),
    hip: pair(J.lhip, J.rhip),
    knee: pair(J.lkne, J.rkne),
    ankle: pair(J.lank, J.rank),
    mean: weighted(pck),
    meanAt01: weighted(pck01),
  };
}
