import * as tf from '@tensorflow/tfjs-core';

/**
 * JointsMSELoss (USE_TARGET_WEIGHT): per joint 0.5 · mean over batch and pixels of
 * ((pred − gt) · w)², averaged over joints. `pred`, `target` are NHWC [N, H, W, J]; `weight` [N, J].
 */
export function jointsMseLoss(pred: tf.Tensor4D, target: tf.Tensor4D, weight: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const w = tf.reshape(weight, [weight.shape[0], 1, 1, weight.shape[1]]);
    const diff = tf.mul(tf.sub(pred, target), w);
    // mean over everything = (1/J) Σ_j mean_{n,hw}, since every joint has the same N·H·W terms.
    return tf.mul(tf.mean(tf.square(diff)), 0.5) as tf.Scalar;
  });
}

/**
 * JointsOHKMMSELoss: per sample and joint 0.5 · mean over pixels of the weighted squared error,
 * keep the `topK` hardest joints of each sample, sum / topK, then average over the batch.
 */
export function jointsOhkmMseLoss(pred: tf.Tensor4D, target: tf.Tensor4D, weight: tf.Tensor2D, topK = 8): tf.Scalar {
  return tf.tidy(() => {
    const w = tf.reshape(weight, [weight.shape[0], 1, 1, weight.shape[1]]);
    const perJoint = tf.mul(tf.mean(tf.square(tf.mul(tf.sub(pred, target), w)), [1, 2]), 0.5) as tf.Tensor2D; // [N, J]
    const k = Math.min(topK, perJoint.shape[1]);
    const { values } = tf.topk(perJoint, k);
    return tf.mean(tf.div(tf.sum(values, 1), k)) as tf.Scalar;
  });
}
