import * as tf from '@tensorflow/tfjs-core';
import { CascadeRoIHead } from '../cascade-roi-head.js';
import type { FasterRCNN } from '../faster-rcnn.js';
import type { FasterRcnnConfig } from '../faster-rcnn-config.js';
import { StandardRoIHead } from '../roi-head.js';
import type { RPNHead, RpnLevelOutput } from '../rpn-head.js';
import { anchorTargets, imageAnchors } from './anchor-targets.js';
import { cascadeRoiLosses } from './cascade-loss.js';
import { maskLossOnLevels } from './mask-loss.js';
import { extractRoiFeaturesTrainable } from './roi-align-trainable.js';
import { roiLoss } from './roi-loss.js';
import { roiTargets, type RoiTargets } from './roi-targets.js';
import { rpnLoss } from './rpn-loss.js';
import { defaultDetectorLossConfig, isCascadeTrainConfig, type TwoStageTrainConfig } from './train-config.js';
import type { DetectorTrainTarget } from './train-target.js';

export type { DetectorTrainTarget } from './train-target.js';

/** mmdet 2.x's four Faster R-CNN losses and their sum. */
export interface DetectorLosses {
  lossRpnCls: tf.Scalar;
  lossRpnBbox: tf.Scalar;
  /** Cascade R-CNN: the sum of the stages' (stage-weighted) `s{i}.loss_cls`. */
  lossCls: tf.Scalar;
  /** Cascade R-CNN: the sum of the stages' (stage-weighted) `s{i}.loss_bbox`. */
  lossBbox: tf.Scalar;
  /** Mask R-CNN's `loss_mask` (models with a mask head; cascades: the sum of the weighted `s{i}.loss_mask`). */
  lossMask?: tf.Scalar;
  /**
   * Cascade R-CNN: mmdet's per-stage entries `s{i}.loss_cls`, `s{i}.acc`, `s{i}.loss_bbox` (and
   * `s{i}.loss_mask`), the losses already times the stage loss weight (`CascadeRoIHead.forward_train`).
   */
  stages?: Record<string, tf.Scalar>;
  /** The sum of every loss (mmdet's `_parse_losses`: accuracies left out). */
  total: tf.Scalar;
}

/** A two-stage detector the training covers: Faster / Mask R-CNN and Cascade (Mask) R-CNN. */
export type TrainableDetector = FasterRCNN<StandardRoIHead | CascadeRoIHead>;

/**
 * mmdet 2.x `TwoStageDetector.forward_train` for a batch (NHWC [B, H, W, 3], normalised and padded;
 * `samples[b]` gives image b's meta and gt): features → RPN losses on sampled anchors →
 * proposals from the RPN outputs (read on the host: no gradient, like mmdet's detach) →
 * sampled proposals + gt → RoIAlign (differentiable) → bbox head losses. The model should be in
 * training mode for gradients; the caller disposes the returned scalars.
 */
export function detectorForwardTrain(
  model: TrainableDetector,
  x: tf.Tensor4D,
  samples: readonly DetectorTrainTarget[],
  trainCfg: TwoStageTrainConfig,
  random: () => number,
): DetectorLosses {
  const batch = x.shape[0];
  if (samples.length !== batch) throw new Error(`detectorForwardTrain: ${samples.length} samples for a batch of ${batch} images`);
  return tf.tidy(() => ({ ...detectorLossesOnLevels(model, model.neckLevels(x), samples, trainCfg, random) }));
}

/** What the losses use of a detector: its head config and the two heads (a FasterRCNN or CascadeRCNN has them). */
export interface DetectorHeads {
  detector: FasterRcnnConfig;
  rpnHead: RPNHead;
  roiHead: StandardRoIHead | CascadeRoIHead;
}

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
  trainCfg: TwoStageTrainConfig,
  random: () => number,
  proposals?: readonly Float32Array[],
): DetectorLosses {
  if (proposals && proposals.length !== samples.length) throw new Error(`detectorLossesOnLevels: ${proposals.length} proposal sets for ${samples.length} images`);
  const head = model.roiHead;
  const cascade = head instanceof CascadeRoIHead;
  if (!cascade && !(head instanceof StandardRoIHead)) throw new Error('detector training covers Faster / Mask R-CNN (StandardRoIHead) and Cascade (Mask) R-CNN (CascadeRoIHead)');
  if (cascade && !head.trainable) throw new Error(`detector training covers Faster / Mask R-CNN and Cascade (Mask) R-CNN, not ${head.constructor.name}`);
  if (cascade !== isCascadeTrainConfig(trainCfg)) {
    throw new Error(
      cascade
        ? `a Cascade R-CNN trains with one train_cfg.rcnn entry per stage (${head.numStages}): pass a CascadeRcnnTrainConfig (parseDetectorTrainConfig / defaultCascadeRcnnTrainConfig)`
        : 'this train config lists per-stage rcnn settings (Cascade R-CNN) but the model has a single-stage RoI head',
    );
  }
  const losses = trainCfg.losses ?? defaultDetectorLossConfig(cascade, cascade ? head.numStages : 1, cascade ? head.maskHeads.length > 0 : 'maskHead' in head);
  const { rpnHead: rpnCfg, roiExtractor, bboxHead: bboxCfg } = model.detector;
  const { clsScores, bboxPreds } = model.rpnHead.forward(levels);
  const featSizes = clsScores.map((c) => [c.shape[1], c.shape[2]] as [number, number]);
  const anchorTargetSets = samples.map((s) =>
    anchorTargets(imageAnchors(model.rpnHead.anchorGenerator, featSizes, s.meta.padShape), s.gtBboxes, s.meta.imgShape, trainCfg.rpn, rpnCfg.bboxCoder, random),
  );
  const { lossRpnCls, lossRpnBbox } = rpnLoss(clsScores, bboxPreds, anchorTargetSets, { cls: losses.rpnCls, bbox: losses.rpnBbox });

  // Proposals per image from the current RPN outputs (host values: no gradient flows back).
  const logits = proposals ? [] : clsScores.map((c) => c.dataSync() as Float32Array);
  const deltas = proposals ? [] : bboxPreds.map((p) => p.dataSync() as Float32Array);
  const proposalsOf = (b: number, imgShape: [number, number]) => (proposals ? proposals[b] : rpnProposals(model, clsScores, logits, deltas, b, imgShape, trainCfg));

  if (isCascadeTrainConfig(trainCfg)) {
    const stages = cascadeRoiLosses(head as CascadeRoIHead, levels, samples.map((s, b) => proposalsOf(b, s.meta.imgShape)), samples, trainCfg, random);
    const sumOf = (term: string): tf.Scalar | undefined => {
      const parts = Object.entries(stages).filter(([k]) => k.endsWith(`.${term}`)).map(([, v]) => v);
      return parts.length === 0 ? undefined : (tf.addN(parts) as tf.Scalar);
    };
    const lossCls = sumOf('loss_cls') ?? tf.scalar(0);
    const lossBbox = sumOf('loss_bbox') ?? tf.scalar(0);
    const lossMask = sumOf('loss_mask');
    const total = tf.addN([lossRpnCls, lossRpnBbox, ...Object.entries(stages).filter(([k]) => k.includes('loss')).map(([, v]) => v)]) as tf.Scalar;
    return { lossRpnCls, lossRpnBbox, lossCls, lossBbox, ...(lossMask ? { lossMask } : {}), stages, total };
  }

  const roiSets: RoiTargets[] = samples.map((s, b) =>
    roiTargets(proposalsOf(b, s.meta.imgShape), s.gtBboxes, s.gtLabels, trainCfg.rcnn, bboxCfg.bboxCoder, bboxCfg.numClasses, random),
  );
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
  const { clsScore, bboxPred } = (head as StandardRoIHead).bboxHead.forward(roiFeats);
  const { lossCls, lossBbox } = roiLoss(clsScore, bboxPred, roiSets, bboxCfg.numClasses, losses.rcnn[0]);
  const lossMask = maskLossOnLevels(model as { roiHead: StandardRoIHead }, levels, roiSets, samples, losses.mask[0] ?? 1);
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
  trainCfg: TwoStageTrainConfig,
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
