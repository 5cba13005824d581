import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { ConvTranspose2d } from './conv-transpose.js';

/** PyTorch's ConvTranspose2d by its definition: each input pixel scatters weight·x to stride·i − padding + k. */
function reference(x: Float32Array, [h, w, ci]: number[], weight: Float32Array, co: number, k: number, s: number, p: number, op: number) {
  const oh = (h - 1) * s - 2 * p + k + op;
  const ow = (w - 1) * s - 2 * p + k + op;
  const out = new Float64Array(oh * ow * co);
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const oy = y * s - p + ky;
              const ox = xx * s - p + kx;
              if (oy < 0 || ox < 0 || oy >= oh || ox >= ow) continue;
              out[(oy * ow + ox) * co + o] += x[(y * w + xx) * ci + i] * weight[((i * co + o) * k + ky) * k + kx];
            }
  return { out, oh, ow };
}

describe('ConvTranspose2d', () => {
  it.each([
    [4, 1, 0],
    [3, 1, 1],
    [2, 0, 0],
  ])('kernel %i, padding %i, output_padding %i: equals the definition on a 5×3 input', async (k, p, op) => {
    await useBackend('wasm');
    const [h, w, ci, co] = [5, 3, 3, 2];
    const x = Float32Array.from({ length: h * w * ci }, (_, i) => Math.sin(i * 1.3));
    const weight = Float32Array.from({ length: ci * co * k * k }, (_, i) => Math.cos(i * 0.7));
    const layer = new ConvTranspose2d(ci, co, k, 2, p, op);
    layer.setValue('weight', weight);
    const before = tf.memory().numTensors;
    const input = tf.tensor4d(x, [1, h, w, ci]);
    const y = layer.run(input, null, false);
    const want = reference(x, [h, w, ci], weight, co, k, 2, p, op);
    expect(y.shape).toEqual([1, want.oh, want.ow, co]);
    expect(want.oh).toBe(2 * h);
    const got = await y.data();
    got.forEach((v, i) => expect(v).toBeCloseTo(want.out[i], 4));
    tf.dispose([input, y]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
