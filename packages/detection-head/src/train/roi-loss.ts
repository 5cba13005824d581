import * as tf from '@tensorflow/tfjs-core';
import { type BBoxLossConfig, bboxRegressionLoss, softmaxCrossEntropy } from './losses.js';
import type { RoiTargets } from './roi-targets.js';

/** The two bbox-head loss terms (mmdet's `loss_cls`, `loss_bbox`). */
export interface RoiLosses {
  lossCls: tf.Scalar;
  lossBbox: tf.Scalar;
}

/** The bbox head's loss settings (mmdet `loss_cls.loss_weight`, `loss_bbox`); default weight 1 and L1. */
export interface RoiLossConfig {
  cls?: number;
  bbox?: BBoxLossConfig;
}

/**
 * mmdet 2.x `BBoxHead.loss`: softmax CE over all sampled RoIs (background last) divided by
 * max(#RoIs with weight > 0, 1), and L1 (or `config.bbox`'s SmoothL1) between the positives'
 * deltas of their own class (or the shared 4 when class-agnostic) and the targets, divided by the
 * number of sampled RoIs; each times its loss weight. `clsScore` [S, K + 1] and `bboxPred`
 * [S, 4K | 4] follow the concatenated `targets` order.
 */
export function roiLoss(clsScore: tf.Tensor2D, bboxPred: tf.Tensor2D, targets: readonly RoiTargets[], numClasses: number, config: RoiLossConfig = {}): RoiLosses {
  const s = targets.reduce((n, t) => n + t.labels.length, 0);
  if (clsScore.shape[0] !== s || bboxPred.shape[0] !== s) {
    throw new Error(`roiLoss: ${s} sampled RoIs but cls_score has ${clsScore.shape[0]} rows and bbox_pred ${bboxPred.shape[0]}`);
  }
  if (clsScore.shape[1] !== numClasses + 1) throw new Error(`roiLoss: cls_score has ${clsScore.shape[1]} columns, expected ${numClasses} classes + background`);
  const width = bboxPred.shape[1];
  const agnostic = width === 4;
  if (!agnostic && width !== 4 * numClasses) throw new Error(`roiLoss: bbox_pred has ${width} columns, expected 4 or ${4 * numClasses}`);
  const labels = new Int32Array(s);
  const labelWeights = new Float32Array(s);
  // Targets and weights spread to each RoI's class block, so the L1 picks pred[i, label_i] only.
  const targetsWide = new Float32Array(s * width);
  const weightsWide = new Float32Array(s * width);
  let row = 0;
  for (const t of targets) {
    for (let i = 0; i < t.labels.length; i++, row++) {
      const label = t.labels[i];
      labels[row] = label;
      labelWeights[row] = t.labelWeights[i];
      if (label < 0 || label >= numClasses) continue;
      const at = row * width + (agnostic ? 0 : 4 * label);
      targetsWide.set(t.bboxTargets.subarray(4 * i, 4 * i + 4), at);
      weightsWide.set(t.bboxWeights.subarray(4 * i, 4 * i + 4), at);
    }
  }
  const clsAvg = Math.max(labelWeights.reduce((n, w) => n + (w > 0 ? 1 : 0), 0), 1);
  const clsWeight = config.cls ?? 1;
  return tf.tidy(() => {
    const ce = softmaxCrossEntropy(clsScore, tf.tensor1d(labels, 'int32'), tf.tensor1d(labelWeights), clsAvg);
    return {
      lossCls: clsWeight === 1 ? ce : (tf.mul(ce, clsWeight) as tf.Scalar),
      lossBbox: bboxRegressionLoss(bboxPred, tf.tensor2d(targetsWide, [s, width]), tf.tensor2d(weightsWide, [s, width]), Math.max(s, 1), config.bbox),
    };
  });
}
