import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { multiScaleInference, type MultiScaleOptions } from './multi-scale-inference.js';
import type { SegModel } from './seg-model.js';

// A stand-in "model" whose logits are the spatial mean of its input: it sees the padding.
const meanModel = { predict: (x: tf.Tensor4D) => tf.mean(x, [1, 2], true) } as unknown as SegModel;
const base: MultiScaleOptions = {
  scales: [1],
  flip: false,
  baseSize: 2,
  cropSize: [4, 4],
  alignCorners: false,
  multiScaleMode: 'base',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

describe('multiScaleInference modes (hand-checkable with a mean-of-input model)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("'base' pads a small image to the crop with −mean/std: 12 of 16 pixels → exp(0.75·pad)", async () => {
    const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    const out = await multiScaleInference(meanModel, x, base);
    expect(out.shape).toEqual([1, 2, 2, 3]);
    const v = out.dataSync();
    [0, 1, 2].forEach((c) => expect(v[c]).toBeCloseTo(Math.exp((0.75 * -base.mean[c]) / base.std[c]), 5));
    tf.dispose([x, out]);
  });

  it("'cityscapes' runs scale ≤ 1 unpadded, and sums the scales: 2 scales of exp(0) = 2", async () => {
    const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    const out = await multiScaleInference(meanModel, x, { ...base, multiScaleMode: 'cityscapes', scales: [0.5, 1] });
    expect(Array.from(out.dataSync())).toEqual(new Array(12).fill(2));
    tf.dispose([x, out]);
  });

  it('rejects a batch of two', async () => {
    const x = tf.zeros([2, 2, 2, 3]) as tf.Tensor4D;
    await expect(multiScaleInference(meanModel, x, base)).rejects.toThrow(/one normalised image \[1, H, W, 3\], got \[2, 2, 2, 3\]/);
    x.dispose();
  });
});
