import * as tf from '@tensorflow/tfjs-core';
import type { TensorData } from './tensor-data.js';

/** A PyTorch-layout NCHW tensor (e.g. from a `.npy`) as a TF.js NHWC float32 tensor. */
export function fromNCHW(t: TensorData): tf.Tensor4D {
  if (t.shape.length !== 4) throw new Error(`expected an NCHW tensor of rank 4, got shape [${t.shape.join(', ')}]`);
  const [n, c, h, w] = t.shape;
  const values = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values as ArrayLike<number>);
  return tf.tidy(() => tf.transpose(tf.tensor4d(values, [n, c, h, w]), [0, 2, 3, 1]));
}

/** A TF.js tensor back to PyTorch layout (NHWC → NCHW for rank 4; others unchanged) as host data. */
export async function toNCHW(t: tf.Tensor): Promise<TensorData> {
  const nchw = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
  try {
    const values = (await nchw.data()) as Float32Array;
    return { dtype: 'float32', shape: nchw.shape, values: Float32Array.from(values) };
  } finally {
    if (nchw !== t) nchw.dispose();
  }
}
