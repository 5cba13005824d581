import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { ConvTranspose2d, FCNMaskHead } from './fcn-mask-head.js';

describe('FCNMaskHead', () => {
  it('keys and shapes of mmdet FCNMaskHead (num_convs 2, 7 classes)', () => {
    const head = new FCNMaskHead({ numConvs: 2, roiFeatSize: 14, inChannels: 16, convKernelSize: 3, convOutChannels: 12, numClasses: 7, classAgnostic: false, scaleFactor: 2 });
    expect(head.stateDictSpec().map((e) => [e.key, e.shape])).toEqual([
      ['convs.0.conv.weight', [12, 16, 3, 3]],
      ['convs.0.conv.bias', [12]],
      ['convs.1.conv.weight', [12, 12, 3, 3]],
      ['convs.1.conv.bias', [12]],
      ['upsample.weight', [12, 12, 2, 2]],
      ['upsample.bias', [12]],
      ['conv_logits.weight', [7, 12, 1, 1]],
      ['conv_logits.bias', [7]],
    ]);
    expect(head.maskSize).toBe(28);
  });

  it('ConvTranspose2d(k = stride) equals the definition out[o, ky·s + dy, …] = Σ_i x[i] · W[i, o, dy, dx] + b[o]', async () => {
    await useBackend('cpu');
    const [I, O, k, H, W] = [3, 2, 2, 2, 3];
    const deconv = new ConvTranspose2d(I, O, k);
    const w = Float32Array.from({ length: I * O * k * k }, (_, i) => ((i * 7) % 11) / 10 - 0.5);
    const b = Float32Array.from([0.25, -1]);
    deconv.setValue('weight', w);
    deconv.setValue('bias', b);
    const x = Float32Array.from({ length: H * W * I }, (_, i) => ((i * 5) % 13) / 6 - 1);
    const y = deconv.run(tf.tensor4d(x, [1, H, W, I]));
    expect(y.shape).toEqual([1, H * k, W * k, O]);
    const got = y.dataSync();
    for (let oy = 0; oy < H * k; oy++) {
      for (let ox = 0; ox < W * k; ox++) {
        for (let o = 0; o < O; o++) {
          const [iy, dy, ix, dx] = [Math.floor(oy / k), oy % k, Math.floor(ox / k), ox % k];
          let want = b[o];
          for (let i = 0; i < I; i++) want += x[(iy * W + ix) * I + i] * w[((i * O + o) * k + dy) * k + dx];
          expect(got[(oy * W * k + ox) * O + o]).toBeCloseTo(want, 5);
        }
      }
    }
    y.dispose();
    deconv.dispose();
  });
});
