import * as tf from '@tensorflow/tfjs-core';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * dL/dW of a stride-s conv, written as a forward conv so it runs where Conv2DBackpropFilter is
 * missing (the wasm backend): the padded input with batch and channels swapped ([Cin, H, W, N]) is
 * convolved with dL/dY as the filter ([Ho, Wo, N, Cout]) at dilation s, then cropped to the kernel.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kernelSize: number, stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    const input = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [Cin, Hp, Wp, N]
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Cout]
    const full = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride); // [Cin, ≥k, ≥k, Cout]
    const kernel = tf.slice(full, [0, 0, 0, 0], [-1, kernelSize, kernelSize, -1]);
    return tf.transpose(kernel, [1, 2, 0, 3]) as tf.Tensor4D; // [k, k, Cin, Cout]
  });
}

/**
 * dL/dX of a stride-s conv, written as a forward conv: dL/dY dilated by s (zeros between rows and
 * columns), padded by k − 1 − pad on the top/left and what reaches the input size on the
 * bottom/right, convolved with the spatially flipped filter with in/out channels swapped. The wasm
 * backend's Conv2DBackpropInput is a plain loop several times slower than its (XNNPACK) Conv2D.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, cout] = dy.shape;
    const [, h, w] = inputShape;
    const k = filter.shape[0];
    let dilated = dy;
    if (stride > 1) {
      // [N, Ho, 1, Wo, 1, C] → zeros after each row / column → [N, Ho·s, Wo·s, C], then drop the trailing zeros.
      const spread = tf.pad(tf.reshape(dy, [n, ho, 1, wo, 1, cout]), [[0, 0], [0, 0], [0, stride - 1], [0, 0], [0, stride - 1], [0, 0]]);
      dilated = tf.slice(tf.reshape(spread, [n, ho * stride, wo * stride, cout]), [0, 0, 0, 0], [n, (ho - 1) * stride + 1, (wo - 1) * stride + 1, cout]) as tf.Tensor4D;
    }
    const before = k - 1 - pad;
    const afterH = h + pad - ((ho - 1) * stride + 1);
    const afterW = w + pad - ((wo - 1) * stride + 1);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [k, k, Cout, Cin]
    return tf.conv2d(dilated, flipped, 1, [[0, 0], [before, afterH], [before, afterW], [0, 0]]);
  });
}

/**
 * A conv2d (NHWC, HWIO filter, PyTorch's symmetric padding) whose gradient needs no backprop
 * kernels: input gradient by {@link conv2dInputGrad}, filter gradient by {@link conv2dFilterGrad},
 * both forward convs (fast on wasm, present everywhere). Same values and gradients as `tf.conv2d`.
 */
export function conv2dTrainable(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const kernelSize = filter.shape[0];
  const explicit: Pad4 = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
  const forward = (xi: tf.Tensor4D, wi: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([xi, wi]);
    return {
      value: tf.conv2d(xi, wi, stride, pad > 0 ? explicit : 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = conv2dInputGrad(dy as tf.Tensor4D, ws, xs.shape, stride, pad);
        return [dx, conv2dFilterGrad(xs, dy as tf.Tensor4D, kernelSize, stride, pad)];
      },
    };
  };
  // customGrad's typing takes a variadic (Tensor | save) signature.
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, filter) as tf.Tensor4D;
}
