import * as tf from '@tensorflow/tfjs-core';
import { createRandom, parseModelConfig } from '@hrnetjs/core';
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

describe('trainPose (official targets, JointsMSELoss, augmentation, Adam) on wasm', () => {
  it('a tiny pose HRNet learns synthetic keypoints: mean loss falls ≥ 3× in 8 epochs, no tensor left behind', async () => {
    await useBackend('wasm');
    const stage = (n: number, channels: number[]) => ({
      NUM_MODULES: 1, NUM_BRANCHES: n, BLOCK: 'BASIC', NUM_BLOCKS: Array(n).fill(1), NUM_CHANNELS: channels, FUSE_METHOD: 'SUM',
    });
    const config = parseModelConfig({
      MODEL: {
        NAME: 'pose_hrnet', NUM_JOINTS: 17, IMAGE_SIZE: [64, 64], HEATMAP_SIZE: [16, 16],
        EXTRA: { FINAL_CONV_KERNEL: 1, STAGE2: stage(2, [8, 16]), STAGE3: stage(3, [8, 16, 16]), STAGE4: stage(4, [8, 16, 16, 16]) },
      },
    });
    const model = new PoseModel(config);
    const before = tf.memory().numTensors;
    const history = await trainPose(model, syntheticPeople(8, 9), { epochs: 8, batchSize: 4, learningRate: 5e-3, seed: 2, sigma: 1 });
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(3);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
