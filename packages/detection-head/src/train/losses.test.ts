import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { l1Loss, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';

beforeAll(() => useBackend('wasm'));

describe('mmdet weighted losses (Σ loss·w / avg_factor)', () => {
  it('sigmoid CE: logits 0 and ln 3 against targets 1 and 0, one weighted out, avg 2', () => {
    const loss = sigmoidCrossEntropy(tf.tensor1d([0, Math.log(3), 5]), tf.tensor1d([1, 0, 1]), tf.tensor1d([1, 1, 0]), 2);
    // −log σ(0) = ln 2; −log(1 − σ(ln 3)) = −log(1/4) = ln 4.
    expect(loss.dataSync()[0]).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 6);
  });

  it('sigmoid CE stays finite for large logits', () => {
    const loss = sigmoidCrossEntropy(tf.tensor1d([-200, 200]), tf.tensor1d([1, 0]), tf.tensor1d([1, 1]), 1);
    expect(loss.dataSync()[0]).toBeCloseTo(400, 3);
  });

  it('softmax CE: uniform logits over 4 classes cost ln 4 per row', () => {
    const loss = softmaxCrossEntropy(tf.zeros([3, 4]) as tf.Tensor2D, tf.tensor1d([0, 3, 1], 'int32'), tf.tensor1d([1, 1, 1]), 3);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(4), 6);
    const skewed = softmaxCrossEntropy(tf.tensor2d([[Math.log(3), 0]]), tf.tensor1d([0], 'int32'), tf.tensor1d([2]), 4);
    expect(skewed.dataSync()[0]).toBeCloseTo((2 * -Math.log(3 / 4)) / 4, 6);
  });

  it('L1: weighted absolute differences over the avg factor', () => {
    const loss = l1Loss(tf.tensor1d([1, -2, 3]), tf.tensor1d([0.5, 1, 100]), tf.tensor1d([1, 1, 0]), 5);
    expect(loss.dataSync()[0]).toBeCloseTo((0.5 + 3) / 5, 6);
  });

  it('refuses a non-positive avg factor', () => {
    expect(() => l1Loss(tf.zeros([1]), tf.zeros([1]), tf.ones([1]), 0)).toThrow(/avgFactor must be positive/);
  });
});
