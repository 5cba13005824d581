import * as tf from '@tensorflow/tfjs-core';

/** torch.finfo(float32).eps: mmdet 2.x's `weight_reduce_loss` divides by avg_factor + eps. */
const EPS = 1.1920928955078125e-7;

/** mmdet `weight_reduce_loss(loss, weight, 'mean', avg_factor)`: Σ loss·weight / (avgFactor + eps). */
function reduceByAvgFactor(loss: tf.Tensor, weight: tf.Tensor, avgFactor: number): tf.Scalar {
  if (!(avgFactor > 0)) throw new Error(`avgFactor must be positive, got ${avgFactor}`);
  return tf.div(tf.sum(tf.mul(loss, weight)), avgFactor + EPS) as tf.Scalar;
}

/**
 * mmdet `CrossEntropyLoss(use_sigmoid=True)`: `binary_cross_entropy_with_logits` per element
 * (numerically stable form max(x, 0) − x·z + log(1 + e^−|x|)), weighted and divided by avgFactor.
 * All three tensors have the same shape.
 */
export function sigmoidCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, weights: tf.Tensor, avgFactor: number): tf.Scalar {
  return tf.tidy(() => {
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return reduceByAvgFactor(loss, weights, avgFactor);
  });
}

/**
 * mmdet `CrossEntropyLoss(use_sigmoid=False)`: softmax cross entropy of logits [N, K] against
 * integer labels [N] (int32), weighted per row and divided by avgFactor.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D, avgFactor: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    const loss = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1));
    return reduceByAvgFactor(loss, weights, avgFactor);
  });
}

/** mmdet `L1Loss`: |pred − target| per element, weighted and divided by avgFactor. */
export function l1Loss(pred: tf.Tensor, target: tf.Tensor, weights: tf.Tensor, avgFactor: number): tf.Scalar {
  return tf.tidy(() => reduceByAvgFactor(tf.abs(tf.sub(pred, target)), weights, avgFactor));
}

/**
 * mmdet `SmoothL1Loss(beta)`: 0.5·d²/β where d = |pred − target| < β, else d − 0.5·β; weighted and
 * divided by avgFactor. Written as 0.5·min(d, β)²/β + max(d − β, 0), the same function without a
 * comparison on the tape (TF.js has no gradient for Less).
 */
export function smoothL1Loss(pred: tf.Tensor, target: tf.Tensor, weights: tf.Tensor, avgFactor: number, beta: number): tf.Scalar {
  if (!(beta > 0)) throw new Error(`smoothL1Loss: beta must be positive, got ${beta}`);
  return tf.tidy(() => {
    const diff = tf.abs(tf.sub(pred, target));
    const inner = tf.minimum(diff, beta);
    const loss = tf.add(tf.div(tf.mul(tf.mul(inner, 0.5), inner), beta), tf.relu(tf.sub(diff, beta)));
    return reduceByAvgFactor(loss, weights, avgFactor);
  });
}

/** A box regression loss of an mmdet config (`loss_bbox`): `L1Loss` or `SmoothL1Loss`, times its loss weight. */
export interface BBoxLossConfig {
  type: 'L1Loss' | 'SmoothL1Loss';
  /** SmoothL1Loss's β (mmdet default 1.0). */
  beta?: number;
  /** `loss_weight` (default 1). */
  lossWeight?: number;
}

/** mmdet's L1Loss (default) or SmoothL1Loss of `config`, weighted, divided by avgFactor, times the loss weight. */
export function bboxRegressionLoss(pred: tf.Tensor, target: tf.Tensor, weights: tf.Tensor, avgFactor: number, config?: BBoxLossConfig): tf.Scalar {
  return tf.tidy(() => {
    const loss = config?.type === 'SmoothL1Loss' ? smoothL1Loss(pred, target, weights, avgFactor, config.beta ?? 1) : l1Loss(pred, target, weights, avgFactor);
    const w = config?.lossWeight ?? 1;
    return w === 1 ? loss : (tf.mul(loss, w) as tf.Scalar);
  });
}
