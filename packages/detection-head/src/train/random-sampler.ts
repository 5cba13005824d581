import type { AssignResult } from './max-iou-assigner.js';

/** mmdet 2.x `RandomSampler` settings (`train_cfg.{rpn,rcnn}.sampler`). */
export interface RandomSamplerConfig {
  /** Boxes sampled per image (positives + negatives). */
  num: number;
  /** Share of `num` that may be positive. */
  posFraction: number;
  /** Negatives ≤ negPosUb × max(1, positives) when ≥ 0 (mmdet's −1: no bound). */
  negPosUb?: number;
  /** Prepend the gt boxes to the candidates (as positives of themselves). */
  addGtAsProposals: boolean;
}

/** The RPN sampler of mmdet's faster_rcnn_r50_fpn.py. */
export const RPN_SAMPLER: Readonly<RandomSamplerConfig> = Object.freeze({ num: 256, posFraction: 0.5, negPosUb: -1, addGtAsProposals: false });
/** The R-CNN sampler of mmdet's faster_rcnn_r50_fpn.py. */
export const RCNN_SAMPLER: Readonly<RandomSamplerConfig> = Object.freeze({ num: 512, posFraction: 0.25, negPosUb: -1, addGtAsProposals: true });

/** mmdet `SamplingResult` (boxes flat × 4). */
export interface SamplingResult {
  /** Indices into the candidates (gt first when added), ascending as after torch's `unique()`. */
  posInds: Int32Array;
  negInds: Int32Array;
  posBboxes: Float32Array;
  negBboxes: Float32Array;
  /** 1 where a positive is a gt box added as a proposal. */
  posIsGt: Uint8Array;
  /** 0-based gt index of every positive. */
  posAssignedGtInds: Int32Array;
  posGtBboxes: Float32Array;
  /** Label of every positive (null when the assignment carried no labels). */
  posGtLabels: Int32Array | null;
}

/** `RandomSampler.random_choice`: `num` distinct members of `gallery`, uniformly (seeded). */
export function randomChoice(gallery: number[], num: number, random: () => number): number[] {
  const pool = gallery.slice();
  const k = Math.min(num, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

function gatherBoxes(boxes: Float32Array, inds: ArrayLike<number>): Float32Array {
  const out = new Float32Array(inds.length * 4);
  for (let k = 0; k < inds.length; k++) out.set(boxes.subarray(4 * inds[k], 4 * inds[k] + 4), 4 * k);
  return out;
}

/**
 * mmdet 2.x `BaseSampler.sample` with `RandomSampler`: optionally prepend the gt boxes (their
 * assignment is themselves), then up to num·posFraction positives and num − positives negatives,
 * each drawn uniformly without replacement by `random` and returned in ascending index order.
 * `assign` must describe `bboxes` (flat [N × 4]).
 */
export function randomSample(
  assign: AssignResult,
  bboxes: Float32Array,
  gtBboxes: Float32Array,
  config: RandomSamplerConfig,
  random: () => number,
  gtLabels?: ArrayLike<number>,
): SamplingResult {
  if (assign.gtInds.length * 4 !== bboxes.length) {
    throw new Error(`randomSample: the assignment covers ${assign.gtInds.length} boxes but ${bboxes.length / 4} were given`);
  }
  let candidates = bboxes;
  let gtInds = assign.gtInds;
  let labels = assign.labels;
  let numGtAdded = 0;
  const numGts = gtBboxes.length / 4;
  if (config.addGtAsProposals && numGts > 0) {
    if (!gtLabels) throw new Error('randomSample: addGtAsProposals needs the gt labels');
    numGtAdded = numGts;
    candidates = new Float32Array(gtBboxes.length + bboxes.length);
    candidates.set(gtBboxes);
    candidates.set(bboxes, gtBboxes.length);
    gtInds = new Int32Array(numGts + assign.gtInds.length);
    gtInds.set(Int32Array.from({ length: numGts }, (_, i) => i + 1));
    gtInds.set(assign.gtInds, numGts);
    if (labels) {
      const l = new Int32Array(numGts + labels.length);
      l.set(Array.from(gtLabels));
      l.set(labels, numGts);
      labels = l;
    }
  }
  const pos: number[] = [];
  const neg: number[] = [];
  gtInds.forEach((g, i) => (g > 0 ? pos.push(i) : g === 0 ? neg.push(i) : undefined));
  const numExpectedPos = Math.trunc(config.num * config.posFraction);
  const posInds = Int32Array.from(pos.length <= numExpectedPos ? pos : randomChoice(pos, numExpectedPos, random)).sort();
  let numExpectedNeg = config.num - posInds.length;
  const ub = config.negPosUb ?? -1;
  if (ub >= 0) numExpectedNeg = Math.min(numExpectedNeg, Math.trunc(ub * Math.max(1, posInds.length)));
  const negInds = Int32Array.from(neg.length <= numExpectedNeg ? neg : randomChoice(neg, numExpectedNeg, random)).sort();
  const posAssignedGtInds = posInds.map((i) => gtInds[i] - 1);
  return {
    posInds,
    negInds,
    posBboxes: gatherBoxes(candidates, posInds),
    negBboxes: gatherBoxes(candidates, negInds),
    posIsGt: Uint8Array.from(posInds, (i) => (i < numGtAdded ? 1 : 0)),
    posAssignedGtInds,
    posGtBboxes: gatherBoxes(gtBboxes, posAssignedGtInds),
    posGtLabels: labels ? posInds.map((i) => labels[i]) : null,
  };
}
