import * as tf from '@tensorflow/tfjs-core';
import { exportStateDict, parseModelConfig } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { SegModel } from '../seg-model.js';
import { type SegExample, trainSegmentation } from './train-segmentation.js';

/** Synthetic scenes: a noisy background (class 0) with a red disc (1) and a blue bar (2). */
function syntheticScenes(count: number, size: number, seed: number): SegExample[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const data = new Uint8Array(size * size * 3);
    const labels = new Int32Array(size * size);
    const cx = size * (0.25 + random() * 0.5);
    const cy = size * (0.25 + random() * 0.5);
    const r = size * (0.12 + random() * 0.1);
    const barY = Math.floor(random() * (size - 6));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        let rgb = [90 + random() * 60, 90 + random() * 60, 90 + random() * 60];
        if (y >= barY && y < barY + 5) {
          rgb = [20, 40, 220];
          labels[p] = 2;
        }
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) {
          rgb = [220, 30, 30];
          labels[p] = 1;
        }
        data.set(rgb.map(Math.round), p * 3);
      }
    }
    return { image: { data, width: size, height: size }, labels };
  });
}

describe('trainSegmentation (official losses and augmentation) on wasm', () => {
  it('a tiny HRNetV2 learns synthetic scenes: mean loss falls ≥ 2× in 12 epochs', async () => {
    await useBackend('wasm');
    const config = parseModelConfig({
      MODEL: {
        NAME: 'seg_hrnet',
        EXTRA: {
          FINAL_CONV_KERNEL: 1,
          STAGE1: { NUM_MODULES: 1, NUM_BRANCHES: 1, BLOCK: 'BOTTLENECK', NUM_BLOCKS: [1], NUM_CHANNELS: [8], FUSE_METHOD: 'SUM' },
          STAGE2: { NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1], NUM_CHANNELS: [8, 16], FUSE_METHOD: 'SUM' },
          STAGE3: { NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [8, 16, 16], FUSE_METHOD: 'SUM' },
          STAGE4: { NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [8, 16, 16, 16], FUSE_METHOD: 'SUM' },
        },
      },
      DATASET: { NUM_CLASSES: 3 },
    });
    const model = new SegModel(config);
    const before = tf.memory().numTensors;
    const history = await trainSegmentation(model, syntheticScenes(8, 48, 5), {
      epochs: 12,
      batchSize: 4,
      baseSize: 48,
      cropSize: [48, 48],
      scaleFactor: 4,
      learningRate: 0.05,
      seed: 3,
    });
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(2);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainSegmentation on 2 worker threads', () => {
  it('is deterministic for a seed and worker count, moves the BN running stats (averaged over workers), leaks nothing', async () => {
    await useBackend('wasm');
    const stage = (n: number, channels: number[]) => ({ NUM_MODULES: 1, NUM_BRANCHES: n, BLOCK: 'BASIC', NUM_BLOCKS: Array(n).fill(1), NUM_CHANNELS: channels, FUSE_METHOD: 'SUM' });
    const config = parseModelConfig({
      MODEL: { NAME: 'seg_hrnet', EXTRA: { FINAL_CONV_KERNEL: 1, STAGE1: { ...stage(1, [4]), BLOCK: 'BOTTLENECK' }, STAGE2: stage(2, [4, 8]), STAGE3: stage(3, [4, 8, 8]), STAGE4: stage(4, [4, 8, 8, 8]) } },
      DATASET: { NUM_CLASSES: 3 },
    });
    const initial = exportStateDict(new SegModel(config));
    const before = tf.memory().numTensors;
    const run = async () => {
      const model = new SegModel(config);
      model.load(initial);
      const history = await trainSegmentation(model, syntheticScenes(4, 32, 5), { epochs: 1, batchSize: 4, baseSize: 32, cropSize: [32, 32], scaleFactor: 4, seed: 3, workers: 2 });
      const weights = exportStateDict(model);
      model.dispose();
      return { history, weights };
    };
    const [a, b] = [await run(), await run()];
    expect(Number.isFinite(a.history[0])).toBe(true);
    expect(b.history).toEqual(a.history);
    for (const [key, t] of a.weights) expect([key, t.values]).toEqual([key, b.weights.get(key)!.values]);
    const stats = initial.get('last_layer.1.running_mean')!.values as Float32Array;
    const trained = a.weights.get('last_layer.1.running_mean')!.values as Float32Array;
    expect(trained.some((v, i) => Math.abs(v - stats[i]) > 1e-6)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
