/** A numClasses × numClasses confusion matrix: `counts[gt * numClasses + pred]` (rows = ground truth). */
export interface ConfusionMatrix {
  numClasses: number;
  counts: Float64Array;
  /** Pixels not counted: ground truth outside 0..numClasses−1 (but not the ignore label) or prediction out of range. */
  skipped: number;
}

/** An empty {@link ConfusionMatrix} to accumulate images into. */
export function createConfusionMatrix(numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  return { numClasses, counts: new Float64Array(numClasses * numClasses), skipped: 0 };
}

/**
 * `get_confusion_matrix` of the official function.py, accumulated into `matrix`: pixels whose
 * ground truth equals `ignoreLabel` are left out; the others add 1 at [gt, pred].
 */
export function accumulateConfusion(
  matrix: ConfusionMatrix,
  groundTruth: ArrayLike<number>,
  prediction: ArrayLike<number>,
  ignoreLabel = 255,
): ConfusionMatrix {
  if (groundTruth.length !== prediction.length) {
    throw new Error(`ground truth has ${groundTruth.length} pixels but the prediction has ${prediction.length}; they must be the same size`);
  }
  const n = matrix.numClasses;
  for (let i = 0; i < groundTruth.length; i++) {
    const gt = groundTruth[i];
    if (gt === ignoreLabel) continue;
    const pred = prediction[i];
    if (!(gt >= 0 && gt < n && Number.isInteger(gt)) || !(pred >= 0 && pred < n && Number.isInteger(pred))) {
      matrix.skipped++;
      continue;
    }
    matrix.counts[gt * n + pred]++;
  }
  return matrix;
}

/** The confusion matrix of one image pair (see {@link accumulateConfusion}). */
export function getConfusionMatrix(
  groundTruth: ArrayLike<number>,
  prediction: ArrayLike<number>,
  numClasses: number,
  ignoreLabel = 255,
): ConfusionMatrix {
  return accumulateConfusion(createConfusionMatrix(numClasses), groundTruth, prediction, ignoreLabel);
}

/** What testval reports. */
export interface SegMetrics {
  /** Per class: tp / max(1, pos + res − tp) (0 for classes absent from both). */
  iou: number[];
  /** Mean of `iou` over ALL classes, as the official code averages. */
  meanIoU: number;
  /** Σ tp / Σ pos. */
  pixelAccuracy: number;
  /** Mean over classes of tp / max(1, pos). */
  meanAccuracy: number;
  /** Per-class recall tp / max(1, pos). */
  classAccuracy: number[];
}

/** `testval`'s metrics from a confusion matrix (pos = row sums, res = column sums, tp = diagonal). */
export function segMetrics({ numClasses: n, counts }: ConfusionMatrix): SegMetrics {
  const iou: number[] = [];
  const classAccuracy: number[] = [];
  let tpSum = 0;
  let posSum = 0;
  for (let k = 0; k < n; k++) {
    let pos = 0;
    let res = 0;
    for (let j = 0; j < n; j++) {
      pos += counts[k * n + j];
      res += counts[j * n + k];
    }
    const tp = counts[k * n + k];
    iou.push(tp / Math.max(1, pos + res - tp));
    classAccuracy.push(tp / Math.max(1, pos));
    tpSum += tp;
    posSum += pos;
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { iou, meanIoU: mean(iou), pixelAccuracy: posSum > 0 ? tpSum / posSum : 0, meanAccuracy: mean(classAccuracy), classAccuracy };
}
