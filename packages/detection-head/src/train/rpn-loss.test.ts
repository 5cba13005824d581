import * as tf from '@tensorflow/tfjs-core';
import { enableTraining } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorGenerator } from '../anchor-generator.js';
import { anchorInsideFlags, anchorTargets, imageAnchors, type RpnTrainConfig } from './anchor-targets.js';
import { RPN_ASSIGNER } from './max-iou-assigner.js';
import { RPN_SAMPLER } from './random-sampler.js';
import { rpnLoss } from './rpn-loss.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

// One level, stride 16, one 16×16 anchor per cell centred on the cell corner: [-8, -8, 8, 8] + 16·(x, y).
const generator = new AnchorGenerator({ strides: [16], ratios: [1], scales: [1] });
const cfg: RpnTrainConfig = { assigner: RPN_ASSIGNER, sampler: RPN_SAMPLER, allowedBorder: -1, posWeight: -1 };
const coder = { means: [0, 0, 0, 0] as [number, number, number, number], stds: [1, 1, 1, 1] as [number, number, number, number] };
const gt = Float32Array.from([8, 8, 24, 26]); // IoU 256/288 with the anchor of cell (1, 1)

describe('RPN anchor targets (mmdet AnchorHead._get_targets_single)', () => {
  it('valid flags follow the padded size; allowed_border ≥ 0 also drops anchors crossing the image', () => {
    const all = imageAnchors(generator, [[2, 2]], [32, 32]);
    expect(Array.from(all.anchors.subarray(12))).toEqual([8, 8, 24, 24]);
    expect(Array.from(all.validFlags)).toEqual([1, 1, 1, 1]);
    expect(Array.from(imageAnchors(generator, [[2, 2]], [16, 32]).validFlags)).toEqual([1, 1, 0, 0]);
    expect(Array.from(anchorInsideFlags(all.anchors, all.validFlags, [32, 32], 0))).toEqual([0, 0, 0, 1]);
    expect(Array.from(anchorInsideFlags(all.anchors, all.validFlags, [32, 32], -1))).toEqual([1, 1, 1, 1]);
  });

  it('one positive with encoded deltas, three negatives; invalid anchors get no weight', () => {
    const t = anchorTargets(imageAnchors(generator, [[2, 2]], [32, 32]), gt, [32, 32], cfg, coder, createRandom(1));
    expect(Array.from(t.labels)).toEqual([0, 0, 0, 1]);
    expect(Array.from(t.labelWeights)).toEqual([1, 1, 1, 1]);
    expect([t.numPos, t.numNeg]).toEqual([1, 3]);
    expect(Array.from(t.bboxTargets.subarray(12))).toEqual([0, 1 / 16, 0, Math.fround(Math.log(18 / 16))].map(Math.fround));
    expect(Array.from(t.bboxWeights)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const half = anchorTargets(imageAnchors(generator, [[2, 2]], [16, 32]), gt, [16, 32], cfg, coder, createRandom(1));
    expect(Array.from(half.labelWeights)).toEqual([1, 1, 0, 0]);
    expect([half.numPos, half.numNeg]).toEqual([0, 2]);
  });
});

describe('rpnLoss (sigmoid CE + L1, avg_factor = Σ max(pos,1) + Σ max(neg,1))', () => {
  it('zero outputs: cls = ln 2 per sampled anchor, bbox = |targets| / 4', () => {
    const t = anchorTargets(imageAnchors(generator, [[2, 2]], [32, 32]), gt, [32, 32], cfg, coder, createRandom(1));
    const cls = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const reg = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    const { lossRpnCls, lossRpnBbox } = rpnLoss([cls], [reg], [t]);
    expect(lossRpnCls.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    expect(lossRpnBbox.dataSync()[0]).toBeCloseTo((1 / 16 + Math.log(18 / 16)) / 4, 6);
    // A second image without samples still counts max(0, 1) twice in the average.
    const empty = anchorTargets(imageAnchors(generator, [[2, 2]], [32, 32]), gt, [32, 32], { ...cfg, allowedBorder: 100 }, coder, createRandom(1));
    const none = { ...empty, labelWeights: new Float32Array(4), bboxWeights: new Float32Array(16), numPos: 0, numNeg: 0 };
    const two = rpnLoss([tf.zeros([2, 2, 2, 1]) as tf.Tensor4D], [tf.zeros([2, 2, 2, 4]) as tf.Tensor4D], [t, none]);
    expect(two.lossRpnCls.dataSync()[0]).toBeCloseTo((4 * Math.log(2)) / 6, 6);
    expect(() => rpnLoss([cls], [reg], [t, t])).toThrow(/2 target sets for a batch of 1/);
  });

  it('the objectness logit of the positive gets gradient −(1 − σ)/avg', () => {
    const t = anchorTargets(imageAnchors(generator, [[2, 2]], [32, 32]), gt, [32, 32], cfg, coder, createRandom(1));
    const g = tf.grad((c: tf.Tensor) => rpnLoss([c as tf.Tensor4D], [tf.zeros([1, 2, 2, 4]) as tf.Tensor4D], [t]).lossRpnCls)(tf.zeros([1, 2, 2, 1]));
    expect(Array.from(g.dataSync()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.125, 0.125, 0.125, -0.125]);
  });
});
