import * as tf from '@tensorflow/tfjs-core';
import { Adam, exportStateDict, parseModelConfig, type StateDict } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { xywh2cs } from '../center-scale.js';
import { PoseModel } from '../pose-model.js';
import type { PoseExample } from './joints-dataset-sample.js';
import { trainPose } from './train-pose.js';

/** Synthetic "people": 17 bright dots (one colour per joint) in a box on a noisy background. */
function syntheticPeople(count: number, seed: number): PoseExample[] {
  const random = createRandom(seed);
  const [W, H] = [96, 96];
  return Array.from({ length: count }, () => {
    const data = new Uint8Array(W * H * 3);
    for (let i = 0; i < data.length; i++) data[i] = 60 + Math.floor(random() * 40);
    const box = { x: 20 + random() * 10, y: 10 + random() * 10, width: 40, height: 60 };
    const joints: Array<[number, number]> = [];
    for (let j = 0; j < 17; j++) {
      const x = box.x + 4 + random() * (box.width - 8);
      const y = box.y + ((j + 0.5) / 17) * box.height;
      joints.push([x, y]);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const p = (Math.round(y) + dy) * W + Math.round(x) + dx;
          data.set([(j * 53) % 256, 255 - ((j * 97) % 256), 200], p * 3);
        }
      }
    }
    return { image: { data, width: W, height: H }, joints, visibility: joints.map(() => 2), box: xywh2cs(box, 1) };
  });
}

const stage = (n: number, channels: number[]) => ({
  NUM_MODULES: 1, NUM_BRANCHES: n, BLOCK: 'BASIC', NUM_BLOCKS: Array(n).fill(1), NUM_CHANNELS: channels, FUSE_METHOD: 'SUM',
});
/** Largest |a − b| over the float tensors of two state dicts with the same keys. */
function largestDifference(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, t] of a) {
    if (!(t.values instanceof Float32Array)) continue;
    const other = b.get(key)!.values as Float32Array;
    t.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other[i]))));
  }
  return worst;
}

const tinyConfig = () =>
  parseModelConfig({
    MODEL: {
      NAME: 'pose_hrnet', NUM_JOINTS: 17, IMAGE_SIZE: [64, 64], HEATMAP_SIZE: [16, 16],
      EXTRA: { FINAL_CONV_KERNEL: 1, STAGE2: stage(2, [8, 16]), STAGE3: stage(3, [8, 16, 16]), STAGE4: stage(4, [8, 16, 16, 16]) },
    },
  });

describe('trainPose (official targets, JointsMSELoss, augmentation, Adam) on wasm', () => {
  it('a tiny pose HRNet learns synthetic keypoints: mean loss falls ≥ 3× in 8 epochs, no tensor left behind', async () => {
    await useBackend('wasm');
    const model = new PoseModel(tinyConfig());
    const before = tf.memory().numTensors;
    const history = await trainPose(model, syntheticPeople(8, 9), { epochs: 8, batchSize: 4, learningRate: 5e-3, seed: 2, sigma: 1 });
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(3);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly: epoch 1 with a kept optimizer, then startEpoch 1 on fresh examples per epoch = 2 epochs straight', async () => {
    await useBackend('wasm');
    const initial = exportStateDict(new PoseModel(tinyConfig()));
    const perEpoch = (epoch: number) => syntheticPeople(4, 20 + epoch);
    const options = { batchSize: 4, learningRate: 5e-3, seed: 3, sigma: 1 };
    const straight = new PoseModel(tinyConfig());
    straight.load(initial);
    await trainPose(straight, perEpoch, { ...options, epochs: 2 });

    const resumed = new PoseModel(tinyConfig());
    resumed.load(initial);
    const optimizer = new Adam(5e-3);
    let state: ReturnType<Adam['exportState']> | undefined;
    await trainPose(resumed, perEpoch, { ...options, epochs: 1, optimizer, onEpochEnd: () => void (state = optimizer.exportState(resumed.trainableVariables())) });
    optimizer.dispose();
    const continued = new PoseModel(tinyConfig());
    continued.load(exportStateDict(resumed));
    const optimizer2 = new Adam(5e-3);
    continued.setTraining(true);
    optimizer2.importState(continued.trainableVariables(), state!);
    await trainPose(continued, perEpoch, { ...options, epochs: 2, startEpoch: 1, optimizer: optimizer2 });
    optimizer2.dispose();
    const want = exportStateDict(straight);
    expect(largestDifference(exportStateDict(continued), want)).toBeLessThan(1e-5);
    // A run resumed without the optimizer state ends elsewhere (the test can tell).
    const cold = new PoseModel(tinyConfig());
    cold.load(exportStateDict(resumed));
    await trainPose(cold, perEpoch, { ...options, epochs: 2, startEpoch: 1 });
    expect(largestDifference(exportStateDict(cold), want)).toBeGreaterThan(1e-4);
    [straight, resumed, continued, cold].forEach((m) => m.dispose());
  });
});
