import * as tf from '@tensorflow/tfjs-core';
import { enableTraining } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { bboxRegressionLoss, l1Loss, sigmoidCrossEntropy, smoothL1Loss, softmaxCrossEntropy } from './losses.js';

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

  it('SmoothL1 (mmdet): 0.5·d²/β inside β, d − β/2 outside, gradient d/β then ±1; bboxRegressionLoss applies the loss weight', async () => {
    await enableTraining();
    const pred = tf.tensor1d([0.1, -0.3, 2, -1.5, 7]);
    const target = tf.tensor1d([0, 0, 0, 0, 0]);
    const w = tf.tensor1d([1, 1, 1, 1, 0]);
    const beta = 0.5;
    const expected = [0.5 * 0.01 / beta, 0.5 * 0.09 / beta, 2 - beta / 2, 1.5 - beta / 2];
    expect(smoothL1Loss(pred, target, w, 4, beta).dataSync()[0]).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 6);
    const g = tf.grad((p: tf.Tensor) => smoothL1Loss(p, target, w, 4, beta))(pred).dataSync();
    expect(Array.from(g).map((v) => Number(v.toFixed(6)))).toEqual([0.1 / beta / 4, -0.3 / beta / 4, 1 / 4, -1 / 4, 0]);
    const weighted = bboxRegressionLoss(pred, target, w, 4, { type: 'SmoothL1Loss', beta, lossWeight: 3 }).dataSync()[0];
    expect(weighted).toBeCloseTo((3 * expected.reduce((a, b) => a + b)) / 4, 6);
    expect(bboxRegressionLoss(pred, target, w, 4).dataSync()[0]).toBeCloseTo((0.1 + 0.3 + 2 + 1.5) / 4, 6);
    expect(() => smoothL1Loss(pred, target, w, 4, 0)).toThrow(/beta must be positive/);
  });

  it('refuses a non-positive avg factor', () => {
    expect(() => l1Loss(tf.zeros([1]), tf.zeros([1]), tf.ones([1]), 0)).toThrow(/avgFactor must be positive/);
  });
});
