import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends.js';
import { conv2dTrainable } from './conv2d-trainable.js';
import { enableTraining } from './enable-training.js';

beforeAll(async () => {
  await enableTraining();
});

async function gradients(backend: 'cpu' | 'wasm', useOurs: boolean, stride: number, pad: number, [h, w]: [number, number], k = 3) {
  await useBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const target = tf.randomNormal([2, Math.floor((h + 2 * pad - k) / stride) + 1, Math.floor((w + 2 * pad - k) / stride) + 1, 4], 0, 1, 'float32', 3);
    const loss = (a: tf.Tensor, b: tf.Tensor) => {
      const y = useOurs
        ? conv2dTrainable(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
      return tf.sum(tf.mul(y, target));
    };
    const [dx, dw] = tf.grads(loss)([x, filter]);
    return [Array.from(dx.dataSync()), Array.from(dw.dataSync())];
  });
}

describe('conv2dTrainable', () => {
  const cases = [[1, 1, [6, 5], 3], [2, 1, [8, 6], 3], [2, 1, [7, 9], 3], [1, 0, [5, 5], 3], [1, 0, [5, 4], 1], [2, 0, [7, 6], 1], [3, 1, [10, 8], 3]] as const;
  for (const [stride, pad, size, k] of cases) {
    it(`gives the same input and filter gradients as tf.conv2d on cpu (${k}×${k}, stride ${stride}, pad ${pad}, ${size.join('×')})`, async () => {
      const [refDx, refDw] = await gradients('cpu', false, stride, pad, size as [number, number], k);
      for (const backend of ['cpu', 'wasm'] as const) {
        const [dx, dw] = await gradients(backend, true, stride, pad, size as [number, number], k);
        dx.forEach((v, i) => expect(v).toBeCloseTo(refDx[i], 4));
        dw.forEach((v, i) => expect(v).toBeCloseTo(refDw[i], 3));
      }
    });
  }

  it('wasm really lacks the filter gradient kernel (why this op exists)', async () => {
    await useBackend('wasm');
    const f = (w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'));
    expect(() => tf.grad(f)(tf.ones([3, 3, 1, 1]))).toThrow(/Conv2DBackpropFilter/);
  });
});
