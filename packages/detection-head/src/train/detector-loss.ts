import * as tf from '@tensorflow/tfjs-core';
import type { FasterRCNN } from '../faster-rcnn.js';
import { StandardRoIHead } from '../roi-head.js';
import type { RpnLevelOutput } from '../rpn-head.js';
import { anchorTargets, imageAnchors } from './anchor-targets.js';
import { maskLossOnLevels } from './mask-loss.js';
import { extractRoiFeaturesTrainable } from './roi-align-trainable.js';
import { roiLoss } from './roi-loss.js';
import { roiTargets, type RoiTargets } from './roi-targets.js';
import { rpnLoss } from './rpn-loss.js';
import type { FasterRcnnTrainConfig } from './train-config.js';
import type { DetectorTrainTarget } from './train-target.js';

export type { DetectorTrainTarget } from './train-target.js';

/** mmdet 2.x's four Faster R-CNN losses and their sum. */
export interface DetectorLosses {
  lossRpnCls: tf.Scalar;
  lossRpnBbox: tf.Scalar;
  lossCls: tf.Scalar;
  lossBbox: tf.Scalar;
  /** Mask R-CNN's `loss_mask` (models with a mask head). */
  lossMask?: tf.Scalar;
  total: tf.Scalar;
}

/**
 * mmdet 2.x `TwoStageDetector.forward_train` for a batch (NHWC [B, H, W, 3], normalised and padded;
 * `samples[b]` gives image b's meta and gt): features → RPN losses on sampled anchors →
 * proposals from the RPN outputs (read on the host: no gradient, like mmdet's detach) →
 * sampled proposals + gt → RoIAlign (differentiable) → bbox head losses. The model should be in
 * training mode for gradients; the caller disposes the returned scalars.
 */
export function detectorForwardTrain(
  model: FasterRCNN,
  x: tf.Tensor4D,
  samples: readonly DetectorTrainTarget[],
  trainCfg: FasterRcnnTrainConfig,
  random: () => number,
): DetectorLosses {
  const batch = x.shape[0];
  if (samples.length !== batch) throw new Error(`detectorForwardTrain: ${samples.length} samples for a batch of ${batch} images`);
  return tf.tidy(() => ({ ...detectorLossesOnLevels(model, model.neckLevels(x), samples, trainCfg, random) }));
}

/** What the losses use of a detector: its head config and the two heads (a FasterRCNN has them). */
export type DetectorHeads = Pick<FasterRCNN, 'detector' | 'rpnHead' | 'roiHead'>;

/**
 * The RPN and RoI-head losses of {@link detectorForwardTrain} from neck levels computed by the
 * caller, so a model that shares its backbone pass with other heads (segmentation) can add its
 * own losses to the same tape. Call inside `tf.tidy`. `proposals` (flat [N × 4] per image) replace
 * the RPN's own proposals for the RoI head, as mmdet's `roi_head.forward_train` takes a proposal list.
 */
export function detectorLossesOnLevels(
  model: DetectorHeads,
  levels: tf.Tensor4D[],
  samples: readonly DetectorTrainTarget[],
  trainCfg: FasterRcnnTrainConfig,
  random: () => number,
  proposals?: readonly Float32Array[],
): DetectorLosses {
  if (proposals && proposals.length !== samples.length) throw new Error(`detectorLossesOnLevels: ${proposals.length} proposal sets for ${samples.length} images`);
  if (!(model.roiHead instanceof StandardRoIHead)) throw new Error('detector training covers Faster R-CNN and Mask R-CNN; Cascade R-CNN training is not implemented');
  const { rpnHead: rpnCfg, roiExtractor, bboxHead: bboxCfg } = model.detector;
  const { clsScores, bboxPreds } = model.rpnHead.forward(levels);
  const featSizes = clsScores.map((c) => [c.shape[1], c.shape[2]] as [number, number]);
  const anchorTargetSets = samples.map((s) =>
    anchorTargets(imageAnchors(model.rpnHead.anchorGenerator, featSizes, s.meta.padShape), s.gtBboxes, s.meta.imgShape, trainCfg.rpn, rpnCfg.bboxCoder, random),
  );
  const { lossRpnCls, lossRpnBbox } = rpnLoss(clsScores, bboxPreds, anchorTargetSets);

  // Proposals per image from the current RPN outputs (host values: no gradient flows back).
  const logits = proposals ? [] : clsScores.map((c) => c.dataSync() as Float32Array);
  const deltas = proposals ? [] : bboxPreds.map((p) => p.dataSync() as Float32Array);
  const roiSets: RoiTargets[] = samples.map((s, b) => {
    const boxes = proposals ? proposals[b] : rpnProposals(model, clsScores, logits, deltas, b, s.meta.imgShape, trainCfg);
    return roiTargets(boxes, s.gtBboxes, s.gtLabels, trainCfg.rcnn, bboxCfg.bboxCoder, bboxCfg.numClasses, random);
  });
  const numRois = roiSets.reduce((n, t) => n + t.labels.length, 0);
  const rois = new Float32Array(numRois * 5);
  let row = 0;
  roiSets.forEach((t, b) => {
    for (let i = 0; i < t.labels.length; i++, row++) {
      rois[5 * row] = b;
      rois.set(t.rois.subarray(4 * i, 4 * i + 4), 5 * row + 1);
    }
  });
  const roiFeats = extractRoiFeaturesTrainable(levels, rois, roiExtractor);
  const { clsScore, bboxPred } = model.roiHead.bboxHead.forward(roiFeats);
  const { lossCls, lossBbox } = roiLoss(clsScore, bboxPred, roiSets, bboxCfg.numClasses);
  const lossMask = maskLossOnLevels(model, levels, roiSets, samples);
  const total = tf.addN([lossRpnCls, lossRpnBbox, lossCls, lossBbox, ...(lossMask ? [lossMask] : [])]) as tf.Scalar;
  return { lossRpnCls, lossRpnBbox, lossCls, lossBbox, ...(lossMask ? { lossMask } : {}), total };
}

/** Image `b`'s proposals (flat [N × 4]) from the RPN outputs read on the host. */
function rpnProposals(
  model: DetectorHeads,
  clsScores: tf.Tensor4D[],
  logits: Float32Array[],
  deltas: Float32Array[],
  b: number,
  imgShape: [number, number],
  trainCfg: FasterRcnnTrainConfig,
): Float32Array {
  const outputs: RpnLevelOutput[] = clsScores.map((c, l) => {
    const per = c.shape[1] * c.shape[2] * c.shape[3];
    return { logits: logits[l].subarray(b * per, (b + 1) * per), deltas: deltas[l].subarray(4 * b * per, 4 * (b + 1) * per), height: c.shape[1], width: c.shape[2] };
  });
  const proposals = model.rpnHead.getProposals(outputs, imgShape, trainCfg.rpnProposal);
  const boxes = new Float32Array((proposals.length / 5) * 4);
  for (let i = 0; i < proposals.length / 5; i++) boxes.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
  return boxes;
}
