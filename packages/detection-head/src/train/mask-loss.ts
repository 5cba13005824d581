import * as tf from '@tensorflow/tfjs-core';
import type { FasterRCNN } from '../faster-rcnn.js';
import type { FCNMaskHead } from '../fcn-mask-head.js';
import { MaskRoIHead } from '../mask-roi-head.js';
import type { RoIExtractorConfig } from '../roi-extractor.js';
import type { DetectorTrainTarget } from './train-target.js';
import { maskLoss, maskTargets } from './mask-targets.js';
import { extractRoiFeaturesTrainable } from './roi-align-trainable.js';
import type { RoiTargets } from './roi-targets.js';

/**
 * mmdet 2.x `StandardRoIHead._mask_forward_train` for a batch: the sampled positives (gt boxes
 * included when added as proposals) are pooled by the mask RoI extractor (differentiable), the
 * mask head predicts, and `loss_mask` compares the label channel with the targets cut from each
 * positive's gt mask. Undefined for models without a mask head. Call inside `tf.tidy`.
 */
export function maskLossOnLevels(
  model: Pick<FasterRCNN, 'roiHead'>,
  levels: tf.Tensor4D[],
  roiSets: readonly RoiTargets[],
  samples: readonly DetectorTrainTarget[],
  lossWeight = 1,
): tf.Scalar | undefined {
  const head = model.roiHead;
  if (!(head instanceof MaskRoIHead)) return undefined;
  return maskHeadLoss(head.maskHead, head.maskExtractor, levels, roiSets, samples, lossWeight);
}

/**
 * `_mask_forward_train` of one mask head with its RoI extractor (a Cascade Mask R-CNN stage, or
 * Mask R-CNN's head): `loss_mask` of the positives of `roiSets` (positives first in each set),
 * times `lossWeight`. Call inside `tf.tidy`.
 */
export function maskHeadLoss(
  maskHead: FCNMaskHead,
  extractor: RoIExtractorConfig,
  levels: tf.Tensor4D[],
  roiSets: readonly RoiTargets[],
  samples: readonly DetectorTrainTarget[],
  lossWeight = 1,
): tf.Scalar {
  const M = maskHead.maskSize;
  const P = maskHead.config.roiFeatSize;
  const C = maskHead.config.inChannels;
  const rows: number[] = [];
  const labels: number[] = [];
  const targets: Float32Array[] = [];
  roiSets.forEach((t, b) => {
    const gt = samples[b].gtMasks;
    if (!gt) throw new Error(`mask head training: sample ${b} has no gtMasks (one mask per gt box on the padded input)`);
    if (gt.masks.length !== samples[b].gtLabels.length) throw new Error(`mask head training: sample ${b} has ${gt.masks.length} gt masks for ${samples[b].gtLabels.length} gt boxes`);
    const pos = t.rois.subarray(0, 4 * t.numPos);
    targets.push(maskTargets(pos, t.posAssignedGtInds, gt, M));
    for (let i = 0; i < t.numPos; i++) {
      rows.push(b, pos[4 * i], pos[4 * i + 1], pos[4 * i + 2], pos[4 * i + 3]);
      labels.push(t.labels[i]);
    }
  });
  const n = labels.length;
  if (n === 0) return tf.scalar(0);
  const flat = new Float32Array(n * M * M);
  let at = 0;
  for (const t of targets) {
    flat.set(t, at);
    at += t.length;
  }
  const feats = extractRoiFeaturesTrainable(levels, Float32Array.from(rows), extractor);
  const x = tf.transpose(tf.reshape(feats, [n, C, P, P]), [0, 2, 3, 1]) as tf.Tensor4D;
  return maskLoss(maskHead.forward(x), flat, labels, lossWeight);
}
