import * as tf from '@tensorflow/tfjs-core';
import type { AnchorTargets } from './anchor-targets.js';
import { type BBoxLossConfig, bboxRegressionLoss, sigmoidCrossEntropy } from './losses.js';

/** The two RPN loss terms (mmdet's `loss_rpn_cls`, `loss_rpn_bbox`, summed over levels). */
export interface RpnLosses {
  lossRpnCls: tf.Scalar;
  lossRpnBbox: tf.Scalar;
}

/**
 * mmdet 2.x `AnchorHead.loss` for the RPN: sigmoid CE on the objectness logits and L1 (or
 * `config.bbox`'s SmoothL1) on the deltas, both divided by num_total_samples = Σ_img max(#pos, 1)
 * + Σ_img max(#neg, 1), each times its loss weight (`config.cls`, default 1).
 * `clsScores` [B, H, W, A] and `bboxPreds` [B, H, W, 4A] per level (the RPN head's outputs);
 * `targets[b]` covers image b's anchors in the same (level, y, x, anchor) order.
 */
export function rpnLoss(clsScores: tf.Tensor4D[], bboxPreds: tf.Tensor4D[], targets: AnchorTargets[], config: { cls?: number; bbox?: BBoxLossConfig } = {}): RpnLosses {
  const batch = clsScores[0]?.shape[0];
  if (batch === undefined || targets.length !== batch) throw new Error(`rpnLoss: ${targets.length} target sets for a batch of ${batch ?? 0}`);
  const total = clsScores.reduce((n, c) => n + c.shape[1] * c.shape[2] * c.shape[3], 0);
  for (const t of targets) {
    if (t.labels.length !== total) throw new Error(`rpnLoss: targets cover ${t.labels.length} anchors, the outputs have ${total} per image`);
  }
  const avgFactor = targets.reduce((n, t) => n + Math.max(t.numPos, 1) + Math.max(t.numNeg, 1), 0);
  const stack = (pick: (t: AnchorTargets) => Float32Array, width: number) => {
    const out = new Float32Array(batch * total * width);
    targets.forEach((t, b) => out.set(pick(t), b * total * width));
    return tf.tensor2d(out, [batch, total * width]);
  };
  return tf.tidy(() => {
    const logits = tf.concat(clsScores.map((c) => tf.reshape(c, [batch, -1])), 1);
    const deltas = tf.concat(bboxPreds.map((p) => tf.reshape(p, [batch, -1])), 1);
    const ce = sigmoidCrossEntropy(logits, stack((t) => t.labels, 1), stack((t) => t.labelWeights, 1), avgFactor);
    const clsWeight = config.cls ?? 1;
    return {
      lossRpnCls: clsWeight === 1 ? ce : (tf.mul(ce, clsWeight) as tf.Scalar),
      lossRpnBbox: bboxRegressionLoss(deltas, stack((t) => t.bboxTargets, 4), stack((t) => t.bboxWeights, 4), avgFactor, config.bbox),
    };
  });
}
