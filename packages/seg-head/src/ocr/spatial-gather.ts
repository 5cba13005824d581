import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import type { OnnxGraph } from '@hrnetjs/core/ops';
import { flattenSpatialOnnx, swapLastAxesOnnx } from './onnx-reshape.js';

/**
 * `SpatialGather_Module` (no parameters): the soft object regions. Each class's aux logits are
 * softmaxed over the PIXELS (dim 2 of [B, K, HW] — the released checkpoints were trained that way)
 * and weight-average the features into one vector per class.
 * feats NHWC [N, H, W, C], probs [N, H, W, K] → object context [N, K, 1, C] (NCHW [N, C, K, 1]).
 */
export class SpatialGatherModule extends Module {
  constructor(readonly numClasses: number) {
    super();
  }

  forward(feats: tf.Tensor4D, probs: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w, c] = feats.shape;
    const k = probs.shape[3];
    if (probs.shape[0] !== n || probs.shape[1] !== h || probs.shape[2] !== w) {
      throw new Error(`SpatialGatherModule: probs [${probs.shape.join(', ')}] must cover the features' [${n}, ${h}, ${w}, ·]`);
    }
    return tf.tidy(() => {
      // softmax runs over the last axis: move the pixels there ([N, K, HW]).
      const weights = tf.softmax(tf.transpose(tf.reshape(probs, [n, h * w, k]), [0, 2, 1]));
      return tf.reshape(tf.matMul(weights, tf.reshape(feats, [n, h * w, c])), [n, k, 1, c]);
    });
  }

  /**
   * ONNX twin of {@link forward} on NCHW feats [N, C, H, W] and probs [N, K, H, W]: Softmax of
   * probs [N, K, HW] over the pixels, · feats [N, HW, C] → [N, K, C] → NCHW [N, C, K, 1].
   */
  emitOnnx(g: OnnxGraph, feats: string, probs: string): string {
    const weights = g.node('Softmax', [flattenSpatialOnnx(g, probs)], { axis: 2 }, 'region_softmax');
    const context = g.node('MatMul', [weights, swapLastAxesOnnx(g, flattenSpatialOnnx(g, feats))], {}, 'object_context');
    return g.node('Unsqueeze', [swapLastAxesOnnx(g, context), g.int64('axes', [3])], {}, 'ocr_context');
  }
}
