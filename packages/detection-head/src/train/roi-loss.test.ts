import * as tf from '@tensorflow/tfjs-core';
import { enableTraining } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { RCNN_ASSIGNER } from './max-iou-assigner.js';
import { RCNN_SAMPLER } from './random-sampler.js';
import { roiLoss } from './roi-loss.js';
import { type RcnnTrainConfig, roiTargets } from './roi-targets.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

const cfg: RcnnTrainConfig = { assigner: RCNN_ASSIGNER, sampler: RCNN_SAMPLER, posWeight: -1 };
const coder = { means: [0, 0, 0, 0] as [number, number, number, number], stds: [0.1, 0.1, 0.2, 0.2] as [number, number, number, number] };
const gt = Float32Array.from([0, 0, 10, 10, 20, 20, 40, 40]);
const labels = [2, 0];
// Proposal 0 overlaps gt0 with IoU 0.8 (positive, class 2); proposal 1 is background.
const proposals = Float32Array.from([0, 0, 10, 8, 50, 50, 60, 60]);

describe('roiTargets (mmdet StandardRoIHead sampling + BBoxHead.get_targets)', () => {
  it('gt boxes join as positives; positives first, background = numClasses; deltas normalised by the stds', () => {
    const t = roiTargets(proposals, gt, labels, cfg, coder, 3, createRandom(1));
    expect(t.numPos).toBe(3);
    expect(Array.from(t.rois)).toEqual([0, 0, 10, 10, 20, 20, 40, 40, 0, 0, 10, 8, 50, 50, 60, 60]);
    expect(Array.from(t.labels)).toEqual([2, 0, 2, 3]);
    expect(Array.from(t.labelWeights)).toEqual([1, 1, 1, 1]);
    // [0,0,10,8] → [0,0,10,10]: dy = (5 − 4)/8 / 0.1, dh = ln(10/8) / 0.2.
    const d = Array.from(t.bboxTargets.subarray(8, 12));
    expect(d[0]).toBe(0);
    expect(d[1]).toBeCloseTo(1.25, 5);
    expect(d[2]).toBe(0);
    expect(d[3]).toBeCloseTo(Math.log(1.25) / 0.2, 5);
    expect(Array.from(t.bboxWeights.subarray(12))).toEqual([0, 0, 0, 0]);
  });
});

describe('roiLoss (softmax CE over sampled RoIs + class-specific L1 / #RoIs)', () => {
  it('zero outputs: CE = ln(K + 1), L1 = Σ |positive targets| / S', () => {
    const t = roiTargets(proposals, gt, labels, cfg, coder, 3, createRandom(1));
    const { lossCls, lossBbox } = roiLoss(tf.zeros([4, 4]) as tf.Tensor2D, tf.zeros([4, 12]) as tf.Tensor2D, [t], 3);
    expect(lossCls.dataSync()[0]).toBeCloseTo(Math.log(4), 6);
    expect(lossBbox.dataSync()[0]).toBeCloseTo((1.25 + Math.log(1.25) / 0.2) / 4, 5);
  });

  it('the L1 reads only the labelled class block of each positive', () => {
    const t = roiTargets(proposals, gt, labels, cfg, coder, 3, createRandom(1));
    // Deltas of 1 everywhere except class 2's block of RoI 2, which predicts its targets exactly.
    const pred = new Float32Array(4 * 12).fill(1);
    pred.set(t.bboxTargets.subarray(8, 12), 2 * 12 + 8);
    const { lossBbox } = roiLoss(tf.zeros([4, 4]) as tf.Tensor2D, tf.tensor2d(pred, [4, 12]), [t], 3);
    // RoIs 0 and 1 are exact gt boxes (zero targets): |1 − 0| × 4 coords each; RoI 2 costs 0; RoI 3 is background.
    expect(lossBbox.dataSync()[0]).toBeCloseTo(8 / 4, 6);
    const grad = tf.grad((p: tf.Tensor) => roiLoss(tf.zeros([4, 4]) as tf.Tensor2D, p as tf.Tensor2D, [t], 3).lossBbox)(tf.tensor2d(pred, [4, 12]));
    const g = grad.arraySync() as number[][];
    expect(g[0].slice(8, 12)).toEqual([0.25, 0.25, 0.25, 0.25]); // RoI 0: class 2 block, sign(1 − 0)/4
    expect(g[0].slice(0, 8)).toEqual(new Array(8).fill(0));
    expect(g[3]).toEqual(new Array(12).fill(0));
  });

  it('a class-agnostic head (4 deltas) and shape errors', () => {
    const t = roiTargets(proposals, gt, labels, cfg, coder, 3, createRandom(1));
    const { lossBbox } = roiLoss(tf.zeros([4, 4]) as tf.Tensor2D, tf.zeros([4, 4]) as tf.Tensor2D, [t], 3);
    expect(lossBbox.dataSync()[0]).toBeCloseTo((1.25 + Math.log(1.25) / 0.2) / 4, 5);
    expect(() => roiLoss(tf.zeros([4, 5]) as tf.Tensor2D, tf.zeros([4, 12]) as tf.Tensor2D, [t], 3)).toThrow(/5 columns, expected 3 classes \+ background/);
    expect(() => roiLoss(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3, 12]) as tf.Tensor2D, [t], 3)).toThrow(/4 sampled RoIs/);
  });
});
