import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { BN_EPS, BatchNorm2d, Conv2d } from './layers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A direct NCHW conv + BN, written from PyTorch's definitions, to check the folded NHWC path. */
function reference(
  x: Float32Array, [c, h, w]: number[], weight: Float32Array, o: number, k: number, stride: number,
  bn: { gamma: number[]; beta: number[]; mean: number[]; variance: number[] }, abn: boolean,
): { values: number[]; ho: number; wo: number } {
  const p = Math.floor(k / 2);
  const ho = Math.floor((h + 2 * p - k) / stride) + 1;
  const wo = Math.floor((w + 2 * p - k) / stride) + 1;
  const values: number[] = [];
  for (let y = 0; y < ho; y++) for (let xo = 0; xo < wo; xo++) for (let oc = 0; oc < o; oc++) {
    let s = 0;
    for (let ic = 0; ic < c; ic++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = y * stride - p + ky;
      const ix = xo * stride - p + kx;
      if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
      s += x[(ic * h + iy) * w + ix] * weight[((oc * c + ic) * k + ky) * k + kx];
    }
    const gamma = abn ? Math.abs(bn.gamma[oc]) + BN_EPS : bn.gamma[oc];
    values.push(((s - bn.mean[oc]) / Math.sqrt(bn.variance[oc] + BN_EPS)) * gamma + bn.beta[oc]);
  }
  return { values, ho, wo };
}

describe('Conv2d.run with a folded BatchNorm2d', () => {
  const c = 2;
  const o = 3;
  const k = 3;
  const [h, w] = [5, 6];
  const x = Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(i * 0.7));
  const weight = Float32Array.from({ length: o * c * k * k }, (_, i) => Math.cos(i * 1.3) * 0.5);
  const bn = { gamma: [1.5, -0.7, 0.2], beta: [0.1, -0.2, 0.3], mean: [0.05, -0.1, 0.2], variance: [0.5, 2, 0.01] };

  for (const [stride, mode] of [[1, 'standard'], [2, 'standard'], [2, 'inplace-abn']] as const) {
    it(`equals conv→BN (stride ${stride}, ${mode}, odd/even sizes, explicit PyTorch padding)`, async () => {
      const conv = new Conv2d(c, o, k, { stride });
      conv.setValue('weight', weight);
      const norm = new BatchNorm2d(o, mode);
      norm.setValue('weight', Float32Array.from(bn.gamma));
      norm.setValue('bias', Float32Array.from(bn.beta));
      norm.setValue('running_mean', Float32Array.from(bn.mean));
      norm.setValue('running_var', Float32Array.from(bn.variance));
      const input = tf.transpose(tf.tensor4d(x, [1, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
      const y = conv.run(input, norm, false);
      const want = reference(x, [c, h, w], weight, o, k, stride, bn, mode === 'inplace-abn');
      expect(y.shape).toEqual([1, want.ho, want.wo, o]);
      const got = await y.data();
      want.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
      // |γ| matters: channel 1 has γ < 0, so the two modes must differ there.
      tf.dispose([input, y]);
      conv.dispose();
    });
  }

  it('lists num_batches_tracked only for standard BN (InPlaceABN checkpoints have none)', () => {
    expect(new BatchNorm2d(4).stateDictSpec().map((e) => e.key)).toEqual([
      'weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked',
    ]);
    expect(new BatchNorm2d(4, 'inplace-abn').stateDictSpec().map((e) => e.key)).toEqual([
      'weight', 'bias', 'running_mean', 'running_var',
    ]);
  });
});
