import * as tf from '@tensorflow/tfjs-core';

/**
 * PyTorch `F.interpolate(x, size, mode='bilinear', align_corners)` on NHWC.
 * align_corners=False is TF's half-pixel-centres mode (not TF's legacy default).
 */
export function resizeBilinearLikeTorch(x: tf.Tensor4D, height: number, width: number, alignCorners: boolean): tf.Tensor4D {
  if (x.shape[1] === height && x.shape[2] === width) return x;
  return alignCorners
    ? tf.image.resizeBilinear(x, [height, width], true, false)
    : tf.image.resizeBilinear(x, [height, width], false, true);
}

/** PyTorch `nn.Upsample(scale_factor=f, mode='nearest')` on NHWC (exact for integer f). */
export function upsampleNearest(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(x, [x.shape[1] * factor, x.shape[2] * factor], false, false);
}
