import * as tf from '@tensorflow/tfjs-core';
import { roiAlign } from '../roi-align.js';

const f32 = Math.fround;

/** Ground-truth instance masks of one image: one row-major 0/1 bitmap per gt box, `height × width` (the padded input). */
export interface GtMasks {
  height: number;
  width: number;
  masks: readonly Uint8Array[];
}

/**
 * mmdet 2.x `mask_target_single` with `BitmapMasks.crop_and_resize`: each positive RoI (flat
 * [P × 4], clipped to the mask canvas) cuts its assigned gt mask with RoIAlign (output
 * `maskSize`², spatial scale 1, sampling_ratio 0, aligned) and binarises at ≥ 0.5. Returns
 * [P × maskSize × maskSize] 0/1 targets, row-major per RoI.
 */
export function maskTargets(posRois: Float32Array, posAssignedGtInds: ArrayLike<number>, gt: GtMasks, maskSize: number): Float32Array {
  const n = posRois.length / 4;
  if (posAssignedGtInds.length !== n) throw new Error(`maskTargets: ${n} RoIs but ${posAssignedGtInds.length} assigned gt indices`);
  const M2 = maskSize * maskSize;
  const out = new Float32Array(n * M2);
  const maps = new Map<number, Float32Array>();
  for (let i = 0; i < n; i++) {
    const g = posAssignedGtInds[i];
    const mask = gt.masks[g];
    if (!mask) throw new Error(`maskTargets: RoI ${i} is assigned gt ${g} but there are ${gt.masks.length} gt masks`);
    if (mask.length !== gt.height * gt.width) throw new Error(`maskTargets: gt mask ${g} has ${mask.length} pixels, expected ${gt.height}×${gt.width}`);
    let data = maps.get(g);
    if (!data) {
      data = Float32Array.from(mask);
      maps.set(g, data);
    }
    const roi = Float32Array.from([
      Math.min(Math.max(posRois[4 * i], 0), f32(gt.width)),
      Math.min(Math.max(posRois[4 * i + 1], 0), f32(gt.height)),
      Math.min(Math.max(posRois[4 * i + 2], 0), f32(gt.width)),
      Math.min(Math.max(posRois[4 * i + 3], 0), f32(gt.height)),
    ]);
    const pooled = roiAlign({ data, height: gt.height, width: gt.width, channels: 1 }, roi, { outputSize: maskSize, spatialScale: 1, samplingRatio: 0, aligned: true });
    for (let p = 0; p < M2; p++) out[i * M2 + p] = pooled[p] >= 0.5 ? 1 : 0;
  }
  return out;
}

/**
 * mmdet 2.x `FCNMaskHead.loss` (`CrossEntropyLoss(use_mask=True)`): binary cross entropy with
 * logits between each RoI's label channel of `maskPred` (NHWC [P, M, M, K]; K = 1 when
 * class-agnostic) and its target, averaged over every pixel of every RoI; with no RoI, 0.
 * Call inside `tf.tidy`.
 */
export function maskLoss(maskPred: tf.Tensor4D, targets: Float32Array, labels: ArrayLike<number>, lossWeight = 1): tf.Scalar {
  const [n, M, M2, K] = maskPred.shape;
  if (labels.length !== n || targets.length !== n * M * M2) {
    throw new Error(`maskLoss: ${n} predicted masks of ${M}×${M2}, ${labels.length} labels, ${targets.length} target pixels`);
  }
  if (n === 0) return tf.scalar(0); // mmdet: mask_pred.sum() of an empty tensor (wasm's sum of nothing is not 0)
  // The label channel through a one-hot product (gather's gradient needs UnsortedSegmentSum, which wasm lacks).
  const pick = new Float32Array(n * K);
  for (let i = 0; i < n; i++) pick[i * K + (K === 1 ? 0 : labels[i])] = 1;
  const perClass = tf.reshape(tf.transpose(maskPred, [0, 3, 1, 2]), [n, K, M * M2]);
  const logits = tf.sum(tf.mul(perClass, tf.tensor3d(pick, [n, K, 1])), 1);
  const z = tf.tensor2d(targets, [n, M * M2]);
  const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, z)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  // Row means first: one float32 running sum over every pixel of every RoI drifts by ~1e-5 relative.
  return tf.mul(tf.mean(tf.mean(loss, 1)), lossWeight) as tf.Scalar;
}
