import * as tf from '@tensorflow/tfjs-core';
import type { RgbImage } from '@hrnetjs/core';
import { checkDimensions } from '@hrnetjs/core/ops';

/**
 * `BaseDataset.input_transform` on an RGB image (cv2's BGR image reversed): float32 ÷ 255, − mean,
 * ÷ std, HWC. Rounded like numpy: ÷255 in float32, then − mean and ÷ std in float64 (Python list
 * operands) with each result stored as float32.
 */
export function inputTransform(
  image: RgbImage,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Float32Array {
  checkDimensions(image.width, image.height, 3, image.data.length, 'image');
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % 3;
    const scaled = Math.fround(image.data[i] / 255);
    out[i] = Math.fround(Math.fround(scaled - mean[c]) / std[c]);
  }
  return out;
}

/** {@link inputTransform} as a [1, H, W, 3] tensor (what the model and `multiScaleInference` take). */
export function inputTensor(
  image: RgbImage,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): tf.Tensor4D {
  return tf.tensor4d(inputTransform(image, mean, std), [1, image.height, image.width, 3]);
}
