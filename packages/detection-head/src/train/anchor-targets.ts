import type { AnchorGenerator } from '../anchor-generator.js';
import { type DeltaXYWHCoderConfig, deltaXYWHEncode } from '../delta-xywh-coder.js';
import { maxIoUAssign, type MaxIoUAssignerConfig } from './max-iou-assigner.js';
import { randomSample, type RandomSamplerConfig } from './random-sampler.js';

/** `train_cfg.rpn` of a two-stage detector. */
export interface RpnTrainConfig {
  assigner: MaxIoUAssignerConfig;
  sampler: RandomSamplerConfig;
  /** Anchors crossing the image border by more than this are unused (< 0: all valid anchors used). */
  allowedBorder: number;
  /** Weight of positive anchors in the classification loss (≤ 0: 1). */
  posWeight: number;
}

/** All anchors of one image, levels concatenated, with mmdet's `valid_flags`. */
export interface ImageAnchors {
  /** Flat [A_total × 4]. */
  anchors: Float32Array;
  /** 1 where the anchor's cell lies inside the image's padded area. */
  validFlags: Uint8Array;
}

/**
 * `AnchorGenerator.grid_priors` + `valid_flags` for one image: anchors of every level on the
 * batch's feature maps (`featSizes` [h, w] per level), valid where the cell is inside
 * ⌈padShape / stride⌉ (images padded less than the batch have invalid cells).
 */
export function imageAnchors(generator: AnchorGenerator, featSizes: Array<[number, number]>, padShape: readonly [number, number]): ImageAnchors {
  const a = generator.numBaseAnchors;
  const levels = featSizes.map(([h, w], level) => generator.gridAnchors(level, h, w));
  const anchors = new Float32Array(levels.reduce((n, l) => n + l.length, 0));
  const validFlags = new Uint8Array(anchors.length / 4);
  let at = 0;
  featSizes.forEach(([h, w], level) => {
    anchors.set(levels[level], at * 4);
    const stride = generator.config.strides[level];
    const validH = Math.min(Math.ceil(padShape[0] / stride), h);
    const validW = Math.min(Math.ceil(padShape[1] / stride), w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (y < validH && x < validW) validFlags.fill(1, at + (y * w + x) * a, at + (y * w + x + 1) * a);
    at += h * w * a;
  });
  return { anchors, validFlags };
}

/** `anchor_inside_flags`: valid anchors, and (allowedBorder ≥ 0) inside the image ± the border. */
export function anchorInsideFlags(anchors: Float32Array, validFlags: Uint8Array, imgShape: readonly [number, number], allowedBorder: number): Uint8Array {
  if (allowedBorder < 0) return validFlags.slice();
  const [h, w] = imgShape;
  return validFlags.map((v, i) =>
    v && anchors[4 * i] >= -allowedBorder && anchors[4 * i + 1] >= -allowedBorder && anchors[4 * i + 2] < w + allowedBorder && anchors[4 * i + 3] < h + allowedBorder ? 1 : 0,
  );
}

/** RPN targets of one image over all its anchors (binary: 1 = object). */
export interface AnchorTargets {
  labels: Float32Array;
  labelWeights: Float32Array;
  /** Flat [A × 4] encoded deltas (zero except at sampled positives). */
  bboxTargets: Float32Array;
  bboxWeights: Float32Array;
  numPos: number;
  numNeg: number;
}

/**
 * mmdet 2.x `AnchorHead._get_targets_single` for the RPN (sampling, no gt labels): the inside
 * anchors are assigned and randomly sampled; sampled positives get label 1 (weight posWeight or 1)
 * and encoded box targets, sampled negatives label 0 with weight 1, the rest weight 0.
 */
export function anchorTargets(
  image: ImageAnchors,
  gtBboxes: Float32Array,
  imgShape: readonly [number, number],
  config: RpnTrainConfig,
  coder: DeltaXYWHCoderConfig,
  random: () => number,
): AnchorTargets {
  const total = image.validFlags.length;
  const inside = anchorInsideFlags(image.anchors, image.validFlags, imgShape, config.allowedBorder);
  const insideInds: number[] = [];
  inside.forEach((v, i) => v && insideInds.push(i));
  const anchors = new Float32Array(insideInds.length * 4);
  insideInds.forEach((i, k) => anchors.set(image.anchors.subarray(4 * i, 4 * i + 4), 4 * k));
  const labels = new Float32Array(total);
  const labelWeights = new Float32Array(total);
  const bboxTargets = new Float32Array(total * 4);
  const bboxWeights = new Float32Array(total * 4);
  if (insideInds.length === 0) return { labels, labelWeights, bboxTargets, bboxWeights, numPos: 0, numNeg: 0 };
  const assign = maxIoUAssign(anchors, gtBboxes, config.assigner);
  const sample = randomSample(assign, anchors, gtBboxes, config.sampler, random);
  const deltas = deltaXYWHEncode(sample.posBboxes, sample.posGtBboxes, coder);
  sample.posInds.forEach((k, p) => {
    const i = insideInds[k];
    labels[i] = 1;
    labelWeights[i] = config.posWeight > 0 ? config.posWeight : 1;
    bboxTargets.set(deltas.subarray(4 * p, 4 * p + 4), 4 * i);
    bboxWeights.fill(1, 4 * i, 4 * i + 4);
  });
  for (const k of sample.negInds) labelWeights[insideInds[k]] = 1;
  return { labels, labelWeights, bboxTargets, bboxWeights, numPos: sample.posInds.length, numNeg: sample.negInds.length };
}
