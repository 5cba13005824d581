import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTarget } from './heatmap-target.js';
import { jointsMseLoss, jointsOhkmMseLoss } from './joints-mse-loss.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const options = { imageSize: [192, 256] as [number, number], heatmapSize: [48, 64] as [number, number], sigma: 2 };

describe('generateTarget (official Gaussian target)', () => {
  it('puts a unit peak at int(joint/4 + 0.5) with exp(−d²/2σ²) around it, radius 3σ', () => {
    const { target, targetWeight } = generateTarget([[41, 30]], [2], options);
    const at = (x: number, y: number) => target[y * 48 + x];
    // 41/4 + 0.5 = 10.75 → 10; 30/4 + 0.5 = 8 → 8.
    expect(at(10, 8)).toBe(1);
    expect(at(11, 8)).toBeCloseTo(Math.exp(-1 / 8), 6);
    expect(at(12, 10)).toBeCloseTo(Math.exp(-8 / 8), 6);
    expect(at(16, 8)).toBeCloseTo(Math.exp(-36 / 8), 6); // edge of the 13×13 window
    expect(at(17, 8)).toBe(0);
    expect(targetWeight[0]).toBe(1); // visibility 2 clamps to 1
  });

  it('clips at the border, zeroes invisible joints and joints whose window is off the map', () => {
    const { target, targetWeight } = generateTarget([[0, 0], [100, 100], [-40, 10]], [1, 0, 1], options);
    expect(target[0]).toBe(1); // joint 0 at the corner
    expect(targetWeight[1]).toBe(0);
    expect(target.subarray(48 * 64, 2 * 48 * 64).every((v) => v === 0)).toBe(true);
    expect(targetWeight[2]).toBe(0); // int(−40/4 + 0.5) = −9 → window [−15, −2] entirely left of the map
  });
});

describe('JointsMSELoss / OHKM', () => {
  it('equals 0.5·mean((pred − gt)·w)² and keeps the top-k joints per sample', async () => {
    const pred = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]); // N=1, H=1, W=2, J=2
    const target = tf.zeros([1, 1, 2, 2]) as tf.Tensor4D;
    const weight = tf.tensor2d([[1, 0.5]]);
    // weighted errors: joint 0: 1, 3 → squares 1, 9; joint 1: 1, 2 → 1, 4. mean of 4 = 15/4; ×0.5.
    expect((await jointsMseLoss(pred, target, weight).data())[0]).toBeCloseTo(15 / 8, 6);
    // per joint: 0.5·mean → joint 0 2.5, joint 1 1.25; top-1 = 2.5.
    expect((await jointsOhkmMseLoss(pred, target, weight, 1).data())[0]).toBeCloseTo(2.5, 6);
    tf.dispose([pred, target, weight]);
  });
});
