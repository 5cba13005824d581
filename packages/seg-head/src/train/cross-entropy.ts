import * as tf from '@tensorflow/tfjs-core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';

/** Options of the segmentation losses. */
export interface CrossEntropyOptions {
  /** Label that contributes nothing (255 in the official configs). */
  ignoreLabel?: number;
  /** Per-class weights (cityscapes' class balance), as `nn.CrossEntropyLoss(weight=…)`. */
  classWeights?: number[];
  /** Logits are upsampled to the label size with this align_corners when their sizes differ. */
  alignCorners?: boolean;
}

export interface PixelTerms {
  /** −log p(label) · w(label) per pixel [P]. */
  losses: tf.Tensor1D;
  /** w(label) per pixel, 0 where ignored [P]. */
  weights: tf.Tensor1D;
  /** p(label) per pixel [P]. */
  probs: tf.Tensor1D;
  /** 1 where the pixel counts [P]. */
  valid: tf.Tensor1D;
}

/** Upsampled logits [N, H, W, K] vs labels [N, H, W] int32 → per-pixel terms (flattened). */
export function pixelTerms(logits: tf.Tensor4D, labels: tf.Tensor3D, options: CrossEntropyOptions): PixelTerms {
  const ignore = options.ignoreLabel ?? 255;
  const [, h, w] = labels.shape;
  const classes = logits.shape[3];
  // Official criterion: F.upsample(score, (h, w), bilinear) when the sizes differ.
  const scores = resizeBilinearLikeTorch(logits, h, w, options.alignCorners ?? false);
  const flatLabels = tf.reshape(labels, [-1]) as tf.Tensor1D;
  const valid = tf.cast(tf.notEqual(flatLabels, ignore), 'float32') as tf.Tensor1D;
  const safeLabels = tf.mul(flatLabels, tf.cast(valid, 'int32')) as tf.Tensor1D; // ignored → class 0, masked later
  const oneHot = tf.oneHot(safeLabels, classes);
  const logProbs = tf.logSoftmax(tf.reshape(scores, [-1, classes]));
  const logP = tf.sum(tf.mul(logProbs, oneHot), 1) as tf.Tensor1D;
  const classWeights = options.classWeights ? tf.tensor1d(options.classWeights) : tf.ones([classes]);
  const weights = tf.mul(tf.sum(tf.mul(oneHot, classWeights), 1), valid) as tf.Tensor1D;
  return { losses: tf.mul(tf.neg(logP), weights) as tf.Tensor1D, weights, probs: tf.exp(logP) as tf.Tensor1D, valid };
}

/**
 * `nn.CrossEntropyLoss(weight, ignore_index)` as the official `CrossEntropy` criterion uses it:
 * Σ w(y)·(−log p(y)) / Σ w(y) over non-ignored pixels. `logits` NHWC, `labels` [N, H, W] int32.
 */
export function crossEntropyLoss(logits: tf.Tensor4D, labels: tf.Tensor3D, options: CrossEntropyOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const { losses, weights } = pixelTerms(logits, labels, options);
    return tf.div(tf.sum(losses), tf.maximum(tf.sum(weights), 1e-12)) as tf.Scalar;
  });
}

/**
 * The official `OhemCrossEntropy`: among valid pixels sorted by p(label), keep those with
 * p < max(p at rank min_kept, thresh) and average their (weighted) losses.
 */
export function ohemCrossEntropyLoss(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  options: CrossEntropyOptions & { thresh?: number; minKept?: number } = {},
): tf.Scalar {
  const thresh = options.thresh ?? 0.7;
  const minKept = Math.max(1, options.minKept ?? 100000);
  return tf.tidy(() => {
    const { losses, probs, valid } = pixelTerms(logits, labels, options);
    // The threshold is data, not part of the graph: read it like the official .sort() does.
    const p = probs.dataSync();
    const v = valid.dataSync();
    const validProbs = Float32Array.from(p.filter((_, i) => v[i] > 0)).sort();
    const minValue = validProbs.length ? validProbs[Math.min(minKept, validProbs.length - 1)] : 0;
    const threshold = Math.max(minValue, thresh);
    // The kept set is data too (no gradient flows through the selection, as in the official
    // boolean indexing); built on the host because TF.js has no gradient for `less`.
    const keep = tf.tensor1d(Float32Array.from(p, (pi, i) => (v[i] > 0 && pi < threshold ? 1 : 0)));
    return tf.div(tf.sum(tf.mul(losses, keep)), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
  });
}
