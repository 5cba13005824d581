import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { exportStateDict, parseModelConfig } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { FasterRCNN } from '../faster-rcnn.js';
import { initDetectorWeights } from './init-weights.js';
import { type DetectorTrainProgress, trainDetector } from './train-detector.js';
import type { DetectionExample } from './train-pipeline.js';

/** The fixtures' tiny Faster R-CNN with a 3-class head and a lighter R-CNN sampler (mmdet train_cfg keys). */
function tinyDetector(): FasterRCNN {
  const dict = JSON.parse(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8'));
  dict.roi_head.bbox_head.num_classes = 3;
  dict.train_cfg = { rcnn: { sampler: { type: 'RandomSampler', num: 128, pos_fraction: 0.25, add_gt_as_proposals: true } } };
  delete dict.img_metas;
  const model = new FasterRCNN(parseModelConfig(dict));
  initDetectorWeights(model, 2);
  return model;
}

/** Noisy grey backgrounds with a red square (class 0), a green disc (1) and a blue bar (2) at random places. */
function syntheticScenes(count: number, size: number, seed: number): DetectionExample[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < data.length; i++) data[i] = 100 + Math.floor(random() * 50);
    const paint = (inside: (x: number, y: number) => boolean, rgb: number[]) => {
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (inside(x, y)) data.set(rgb, (y * size + x) * 3);
    };
    const at = (extent: number) => Math.floor(random() * (size - extent));
    const s = 16 + Math.floor(random() * 12);
    const [sx, sy] = [at(s), at(s)];
    paint((x, y) => x >= sx && x < sx + s && y >= sy && y < sy + s, [220, 30, 30]);
    const r = 9 + Math.floor(random() * 5);
    const [cx, cy] = [r + at(2 * r), r + at(2 * r)];
    paint((x, y) => (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r, [30, 200, 40]);
    const [bw, bh] = [30 + Math.floor(random() * 10), 10];
    const [bx, by] = [at(bw), at(bh)];
    paint((x, y) => x >= bx && x < bx + bw && y >= by && y < by + bh, [30, 40, 220]);
    return {
      image: { data, width: size, height: size },
      boxes: [
        [sx, sy, sx + s, sy + s],
        [cx - r, cy - r, cx + r, cy + r],
        [bx, by, bx + bw, by + bh],
      ],
      labels: [0, 1, 2],
    };
  });
}

beforeAll(() => useBackend('wasm'));

describe('trainDetector (mmdet 2.x Faster R-CNN training) on wasm', () => {
  it('a tiny HRNet Faster R-CNN learns synthetic scenes: total loss falls ≥ 1.5× (objectness ≥ 2.5×, RoI CE ≥ 2×), no tensor leaks per step', async () => {
    const model = tinyDetector();
    const examples = syntheticScenes(4, 64, 11);
    const before = tf.memory().numTensors;
    const steps: DetectorTrainProgress[] = [];
    const tensorsAfterStep: number[] = [];
    const history = await trainDetector(model, examples, {
      epochs: 20,
      batchSize: 2,
      learningRate: 0.02,
      steps: [15],
      warmupIters: 4,
      warmupRatio: 1 / 3,
      pipeline: { imgScale: [64, 64] },
      normEval: false,
      seed: 5,
      onProgress: (p) => {
        steps.push(p);
        tensorsAfterStep.push(tf.memory().numTensors);
      },
    });
    console.log('epoch mean losses', history.map((v) => v.toFixed(3)).join(' '));
    const mean = (from: number, to: number, key: keyof DetectorTrainProgress['losses']) => steps.slice(from, to).reduce((a, s) => a + (s.losses[key] ?? 0), 0) / (to - from);
    const terms = ['lossRpnCls', 'lossRpnBbox', 'lossCls', 'lossBbox'] as const;
    console.log('first epoch / last 2 epochs', terms.map((k) => `${k} ${mean(0, 2, k).toFixed(3)} → ${mean(36, 40, k).toFixed(3)}`).join(', '));
    expect(steps).toHaveLength(40);
    expect(steps[0].learningRate).toBeCloseTo(0.02 / 3, 9);
    expect(steps[29].learningRate).toBe(0.02);
    expect(steps[30].learningRate).toBeCloseTo(0.002, 12);
    for (const s of steps) for (const v of Object.values(s.losses)) expect(Number.isFinite(v)).toBe(true);
    // Objectness and classification learn fastest; the RoI L1 may grow as more proposals become
    // positives (mmdet divides it by the sampled count, not the positives), so the total falls less.
    expect(mean(0, 2, 'lossRpnCls') / mean(36, 40, 'lossRpnCls')).toBeGreaterThan(2.5);
    expect(mean(0, 2, 'lossCls') / mean(36, 40, 'lossCls')).toBeGreaterThan(2);
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(1.5);
    // After the first step created the optimizer's momentum buffers, every step leaves the same count.
    expect(new Set(tensorsAfterStep.slice(1)).size).toBe(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainDetector on 2 worker threads', () => {
  it('trains with norm_eval mirrored in the replicas: backbone BN running stats stay put, weights move, loss terms finite, no tensor left', async () => {
    const model = tinyDetector();
    const initial = exportStateDict(model);
    const before = tf.memory().numTensors;
    const steps: DetectorTrainProgress[] = [];
    await trainDetector(model, syntheticScenes(4, 64, 11), { epochs: 1, batchSize: 4, learningRate: 0.02, warmupIters: 1, pipeline: { imgScale: [64, 64] }, seed: 5, workers: 2, onProgress: (p) => steps.push(p) });
    expect(steps).toHaveLength(1);
    for (const v of Object.values(steps[0].losses)) expect(Number.isFinite(v)).toBe(true);
    expect(steps[0].losses.lossRpnCls).toBeGreaterThan(0);
    const trained = exportStateDict(model);
    const moved = (key: string) => {
      const [a, b] = [initial.get(key)!.values as Float32Array, trained.get(key)!.values as Float32Array];
      return a.some((v, i) => v !== b[i]);
    };
    const keys = [...initial.keys()];
    const stats = keys.filter((k) => k.startsWith('backbone.') && /running_(mean|var)$/.test(k));
    expect(stats.length).toBeGreaterThan(10);
    expect(stats.filter(moved)).toEqual([]);
    expect(keys.filter((k) => k.startsWith('rpn_head.') && moved(k)).length).toBeGreaterThan(0);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
