import * as tf from '@tensorflow/tfjs-core';
import type { CascadeRoIHead } from '../cascade-roi-head.js';
import { maskHeadLoss } from './mask-loss.js';
import { extractRoiFeaturesTrainable } from './roi-align-trainable.js';
import { roiLoss } from './roi-loss.js';
import { roiTargets, type RoiTargets } from './roi-targets.js';
import { type CascadeRcnnTrainConfig, defaultDetectorLossConfig } from './train-config.js';
import type { DetectorTrainTarget } from './train-target.js';

/** What one stage of {@link cascadeRoiLosses} saw: its proposals per image and its sampled targets. */
export interface CascadeStageRecord {
  stage: number;
  /** Flat [N × 4] per image: the stage's input (stage 0: the given proposals; later: the refined boxes). */
  proposals: Float32Array[];
  targets: RoiTargets[];
}

/**
 * mmdet 2.x `CascadeRoIHead.forward_train` for a batch. For each stage i: assign the proposals to
 * the gt with the stage's MaxIoUAssigner, sample (gt boxes added as proposals when configured),
 * pool the sampled RoIs (differentiable), run `bbox_head.{i}`, and compute `BBoxHead.loss` against
 * targets encoded with the stage's coder; the mask head of the stage (if any) is trained on the
 * stage's positives. Then, before the next stage, `refine_bboxes`: every sampled RoI is moved by
 * the deltas of its label — the target label for positives, the argmax of the foreground logits
 * for negatives (mmdet's `roi_labels == num_classes → argmax` rule) — clipped to the image, and
 * the gt boxes that joined as proposals are dropped; the boxes are host values, so no gradient
 * flows through them (mmdet's `torch.no_grad()`).
 *
 * Returns mmdet's loss dict: `s{i}.loss_cls`, `s{i}.loss_bbox` (and `s{i}.loss_mask`), each times
 * `stageLossWeights[i]`, and `s{i}.acc` (top-1 accuracy in %, over every sampled RoI, not weighted,
 * no gradient). As in mmdet, a stage without any sampled RoI gives only `s{i}.loss_bbox` (and
 * `s{i}.loss_mask`) = 0 and ends the loop. `proposals` are flat [N × 4] per image. Call inside
 * `tf.tidy`; `record` (tests, debugging) sees every stage's proposals and targets.
 */
export function cascadeRoiLosses(
  head: CascadeRoIHead,
  levels: tf.Tensor4D[],
  proposals: readonly Float32Array[],
  samples: readonly DetectorTrainTarget[],
  trainCfg: CascadeRcnnTrainConfig,
  random: () => number,
  record?: (stage: CascadeStageRecord) => void,
): Record<string, tf.Scalar> {
  const numStages = head.numStages;
  if (trainCfg.rcnn.length !== numStages) throw new Error(`Cascade R-CNN training: train_cfg.rcnn has ${trainCfg.rcnn.length} stages, the RoI head ${numStages}`);
  if (trainCfg.stageLossWeights.length !== numStages) {
    throw new Error(`Cascade R-CNN training: ${trainCfg.stageLossWeights.length} stage loss weights for ${numStages} stages`);
  }
  if (proposals.length !== samples.length) throw new Error(`Cascade R-CNN training: ${proposals.length} proposal sets for ${samples.length} images`);
  const withMask = head.maskHeads.length > 0;
  const losses = trainCfg.losses ?? defaultDetectorLossConfig(true, numStages, withMask);
  if (losses.rcnn.length !== numStages) throw new Error(`Cascade R-CNN training: losses are given for ${losses.rcnn.length} stages, the RoI head has ${numStages}`);
  const out: Record<string, tf.Scalar> = {};
  let current: Float32Array[] = proposals.map((p) => p);
  for (let i = 0; i < numStages; i++) {
    const bboxHead = head.bboxHeads[i];
    const K = bboxHead.config.numClasses;
    const lw = trainCfg.stageLossWeights[i];
    const roiSets = samples.map((s, b) => roiTargets(current[b], s.gtBboxes, s.gtLabels, trainCfg.rcnn[i], bboxHead.config.bboxCoder, K, random));
    record?.({ stage: i, proposals: current, targets: roiSets });
    const numRois = roiSets.reduce((n, t) => n + t.labels.length, 0);
    if (numRois === 0) {
      // mmdet: no cls loss or accuracy of an empty cls_score, loss_bbox = bbox_pred[pos].sum() = 0, then `break`.
      out[`s${i}.loss_bbox`] = tf.scalar(0);
      if (withMask) out[`s${i}.loss_mask`] = tf.scalar(0);
      break;
    }
    const rois = new Float32Array(numRois * 5);
    let row = 0;
    roiSets.forEach((t, b) => {
      for (let j = 0; j < t.labels.length; j++, row++) {
        rois[5 * row] = b;
        rois.set(t.rois.subarray(4 * j, 4 * j + 4), 5 * row + 1);
      }
    });
    const { clsScore, bboxPred } = bboxHead.forward(extractRoiFeaturesTrainable(levels, rois, head.extractor));
    const { lossCls, lossBbox } = roiLoss(clsScore, bboxPred, roiSets, K, losses.rcnn[i]);
    const scores = clsScore.dataSync() as Float32Array;
    out[`s${i}.loss_cls`] = tf.mul(lossCls, lw) as tf.Scalar;
    out[`s${i}.acc`] = tf.scalar(accuracy(scores, roiSets, K + 1));
    out[`s${i}.loss_bbox`] = tf.mul(lossBbox, lw) as tf.Scalar;
    if (withMask) {
      const loss = maskHeadLoss(head.maskHeads[i], head.mask!.roiExtractors[i], levels, roiSets, samples, losses.mask[i] ?? 1);
      out[`s${i}.loss_mask`] = tf.mul(loss, lw) as tf.Scalar;
    }
    if (i < numStages - 1) current = refineBboxes(head, i, roiSets, scores, bboxPred.dataSync() as Float32Array, samples);
  }
  return out;
}

/** mmdet `accuracy(cls_score, labels)` (top-1, in %): rows whose largest logit is at their label. */
function accuracy(scores: Float32Array, roiSets: readonly RoiTargets[], width: number): number {
  let n = 0;
  let correct = 0;
  for (const t of roiSets) {
    for (let j = 0; j < t.labels.length; j++, n++) {
      let best = 0;
      for (let c = 1; c < width; c++) if (scores[n * width + c] > scores[n * width + best]) best = c;
      if (best === t.labels[j]) correct++;
    }
  }
  return Math.fround(Math.fround(correct) * Math.fround(100 / n));
}

/**
 * mmdet 2.x `BBoxHead.refine_bboxes` on host values: each image's sampled RoIs (positives first)
 * regressed by their labels' deltas (`regress_by_class`, clipped to the image), background labels
 * replaced by the argmax of the foreground logits, gt boxes added as proposals dropped.
 */
function refineBboxes(
  head: CascadeRoIHead,
  stage: number,
  roiSets: readonly RoiTargets[],
  scores: Float32Array,
  bboxPred: Float32Array,
  samples: readonly DetectorTrainTarget[],
): Float32Array[] {
  const K = head.bboxHeads[stage].config.numClasses;
  const width = bboxPred.length / scores.length * (K + 1);
  let offset = 0;
  return roiSets.map((t, b) => {
    const n = t.labels.length;
    const labels = Int32Array.from(t.labels);
    for (let j = 0; j < n; j++) {
      if (labels[j] !== K) continue;
      const at = (offset + j) * (K + 1);
      let best = 0;
      for (let c = 1; c < K; c++) if (scores[at + c] > scores[at + best]) best = c;
      labels[j] = best;
    }
    const refined = head.regressByClass(stage, t.rois, labels, bboxPred.subarray(offset * width, (offset + n) * width), samples[b].meta.imgShape);
    offset += n;
    const keep: number[] = [];
    for (let j = 0; j < n; j++) if (!(j < t.numPos && t.posIsGt[j])) keep.push(j);
    const out = new Float32Array(keep.length * 4);
    keep.forEach((j, k) => out.set(refined.subarray(4 * j, 4 * j + 4), 4 * k));
    return out;
  });
}
