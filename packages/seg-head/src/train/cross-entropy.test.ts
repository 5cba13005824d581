import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropyLoss, ohemCrossEntropyLoss } from './cross-entropy.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// One image, 1×3 pixels, 2 classes. Logits (0, ln 3) → p(class 1) = 3/4; (0, 0) → 1/2; last pixel ignored.
const logits = () => tf.tensor4d([0, Math.log(3), 0, 0, 5, -5], [1, 1, 3, 2]);
const labels = () => tf.tensor3d([1, 0, 255], [1, 1, 3], 'int32');

describe('segmentation losses (official criterion.py semantics)', () => {
  it('cross entropy: weighted mean over non-ignored pixels', async () => {
    const plain = (await crossEntropyLoss(logits(), labels()).data())[0];
    expect(plain).toBeCloseTo((-Math.log(0.75) - Math.log(0.5)) / 2, 6);
    const weighted = (await crossEntropyLoss(logits(), labels(), { classWeights: [2, 1] }).data())[0];
    expect(weighted).toBeCloseTo((-Math.log(0.75) * 1 - Math.log(0.5) * 2) / 3, 6);
  });

  it('OHEM keeps pixels with p(label) below max(thresh, p at rank min_kept)', async () => {
    // thresh 0.7, min_kept 1: sorted p = [0.5, 0.75] → p[1] = 0.75 → threshold 0.75 → keeps the 0.5 pixel only.
    const kept = (await ohemCrossEntropyLoss(logits(), labels(), { thresh: 0.7, minKept: 1 }).data())[0];
    expect(kept).toBeCloseTo(-Math.log(0.5), 6);
    // thresh 0.9 → both valid pixels are below it.
    const both = (await ohemCrossEntropyLoss(logits(), labels(), { thresh: 0.9, minKept: 1 }).data())[0];
    expect(both).toBeCloseTo((-Math.log(0.75) - Math.log(0.5)) / 2, 6);
  });

  it('upsamples lower-resolution logits to the label size first', async () => {
    const small = tf.tensor4d([0, 0], [1, 1, 1, 2]);
    const loss = (await crossEntropyLoss(small, tf.tensor3d([0, 1, 0, 1], [1, 2, 2], 'int32')).data())[0];
    expect(loss).toBeCloseTo(Math.log(2), 6);
  });
});
