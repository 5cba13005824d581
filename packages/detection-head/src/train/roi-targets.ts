import { type DeltaXYWHCoderConfig, deltaXYWHEncode } from '../delta-xywh-coder.js';
import { maxIoUAssign, type MaxIoUAssignerConfig } from './max-iou-assigner.js';
import { randomSample, type RandomSamplerConfig } from './random-sampler.js';

/** `train_cfg.rcnn` of a two-stage detector. */
export interface RcnnTrainConfig {
  assigner: MaxIoUAssignerConfig;
  sampler: RandomSamplerConfig;
  /** Weight of positive RoIs in the classification loss (≤ 0: 1). */
  posWeight: number;
}

/** Sampled RoIs of one image and their bbox-head targets (positives first). */
export interface RoiTargets {
  /** Flat [S × 4] boxes (input-image coordinates): the positives, then the negatives. */
  rois: Float32Array;
  /** Class per RoI, background = numClasses. */
  labels: Int32Array;
  labelWeights: Float32Array;
  /** Flat [S × 4] encoded deltas (zero for negatives). */
  bboxTargets: Float32Array;
  bboxWeights: Float32Array;
  numPos: number;
  /** 0-based gt index of every positive (for mask targets). */
  posAssignedGtInds: Int32Array;
  /** 1 where a positive is a gt box added as a proposal (Cascade R-CNN does not refine those). */
  posIsGt: Uint8Array;
}

/**
 * mmdet 2.x `StandardRoIHead.forward_train` sampling + `BBoxHead.get_targets` for one image:
 * proposals (flat [N × 4]) are assigned to the gt boxes, sampled (gt boxes added as proposals
 * when configured), and the positives get their gt label and encoded deltas.
 */
export function roiTargets(
  proposals: Float32Array,
  gtBboxes: Float32Array,
  gtLabels: ArrayLike<number>,
  config: RcnnTrainConfig,
  coder: DeltaXYWHCoderConfig,
  numClasses: number,
  random: () => number,
): RoiTargets {
  const assign = maxIoUAssign(proposals, gtBboxes, config.assigner, gtLabels);
  const s = randomSample(assign, proposals, gtBboxes, config.sampler, random, gtLabels);
  const numPos = s.posInds.length;
  const n = numPos + s.negInds.length;
  const rois = new Float32Array(n * 4);
  rois.set(s.posBboxes);
  rois.set(s.negBboxes, numPos * 4);
  const labels = new Int32Array(n).fill(numClasses);
  const labelWeights = new Float32Array(n).fill(1);
  const bboxTargets = new Float32Array(n * 4);
  const bboxWeights = new Float32Array(n * 4);
  if (numPos > 0) {
    labels.set(s.posGtLabels ?? []);
    labelWeights.fill(config.posWeight > 0 ? config.posWeight : 1, 0, numPos);
    bboxTargets.set(deltaXYWHEncode(s.posBboxes, s.posGtBboxes, coder));
    bboxWeights.fill(1, 0, numPos * 4);
  }
  return { rois, labels, labelWeights, bboxTargets, bboxWeights, numPos, posAssignedGtInds: Int32Array.from(s.posAssignedGtInds), posIsGt: s.posIsGt };
}
