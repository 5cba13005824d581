import * as tf from '@tensorflow/tfjs-core';

/**
 * PyTorch `F.interpolate(x, size, mode='bilinear', align_corners)` on NHWC.
 * align_corners=False is TF's half-pixel-centres mode (not TF's legacy default). The gradient is
 * PyTorch's too: TF.js's ResizeBilinearGrad kernels ignore half-pixel centres (they back-propagate
 * as if align_corners=False meant TF's legacy mapping), so the backward pass is our own — the
 * transpose of the interpolation, as two matrix products.
 */
export function resizeBilinearLikeTorch(x: tf.Tensor4D, height: number, width: number, alignCorners: boolean): tf.Tensor4D {
  if (x.shape[1] === height && x.shape[2] === width) return x;
  const resize = tf.customGrad((input, save) => {
    void save;
    const images = input as tf.Tensor4D;
    const value = alignCorners
      ? tf.image.resizeBilinear(images, [height, width], true, false)
      : tf.image.resizeBilinear(images, [height, width], false, true);
    const [, inH, inW] = images.shape;
    return { value, gradFunc: (dy: tf.Tensor) => resizeBilinearBackward(dy as tf.Tensor4D, inH, inW, alignCorners) };
  });
  return resize(x) as tf.Tensor4D;
}

/**
 * PyTorch's bilinear source weights as a [out, in] matrix (`area_pixel_compute_source_index`:
 * align_corners → src = dst·(in−1)/(out−1); else src = max((dst + 0.5)·in/out − 0.5, 0)).
 */
export function bilinearMatrix(outSize: number, inSize: number, alignCorners: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? (outSize > 1 ? (d * (inSize - 1)) / (outSize - 1) : 0) : Math.max(((d + 0.5) * inSize) / outSize - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l1 = src - i0;
    m[d * inSize + i0] += 1 - l1;
    m[d * inSize + i1] += l1;
  }
  return m;
}

/** dx = Ryᵀ · dy · Rx per image and channel: dy [N, outH, outW, C] → [N, inH, inW, C]. */
function resizeBilinearBackward(dy: tf.Tensor4D, inH: number, inW: number, alignCorners: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, outH, outW, c] = dy.shape;
    const ry = tf.tensor2d(bilinearMatrix(outH, inH, alignCorners), [outH, inH]);
    const rx = tf.tensor2d(bilinearMatrix(outW, inW, alignCorners), [outW, inW]);
    // Rows: [N, outW, C] × outH, contracted with Ry → [N, outW, C, inH].
    const alongH = tf.matMul(tf.reshape(tf.transpose(dy, [0, 2, 3, 1]), [n * outW * c, outH]), ry);
    // Then [N, inH, C] × outW, contracted with Rx → [N, inH, C, inW].
    const byW = tf.reshape(tf.transpose(tf.reshape(alongH, [n, outW, c, inH]), [0, 3, 2, 1]), [n * inH * c, outW]);
    const alongW = tf.matMul(byW, rx);
    return tf.transpose(tf.reshape(alongW, [n, inH, c, inW]), [0, 1, 3, 2]) as tf.Tensor4D;
  });
}

/**
 * PyTorch `nn.Upsample(scale_factor=f, mode='nearest')` on NHWC (exact for integer f). Its gradient
 * is the sum over each f×f block, computed here: TF.js's CPU ResizeNearestNeighborGrad gets it wrong.
 */
export function upsampleNearest(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const upsample = tf.customGrad((input, save) => {
    void save;
    const images = input as tf.Tensor4D;
    const [n, h, w, c] = images.shape;
    const value = tf.image.resizeNearestNeighbor(images, [h * factor, w * factor], false, false);
    const gradFunc = (dy: tf.Tensor) => tf.tidy(() => tf.sum(tf.reshape(dy, [n, h, factor, w, factor, c]), [2, 4]) as tf.Tensor4D);
    return { value, gradFunc };
  });
  return upsample(x) as tf.Tensor4D;
}
