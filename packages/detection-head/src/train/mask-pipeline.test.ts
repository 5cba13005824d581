import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { MaskRCNN } from '../mask-rcnn.js';
import { initDetectorWeights } from './init-weights.js';
import { transformGtMasks } from './mask-pipeline.js';
import { type DetectorTrainProgress, trainDetector } from './train-detector.js';
import { MMDET_TRAIN_PIPELINE, prepareTrainSample } from './train-pipeline.js';

describe('gt masks through the train pipeline', () => {
  it('nearest resize (⌊d · src/dst⌋), flip of the resized mask, zero padding', () => {
    // 4×2 image, one mask with columns 0..3 set on row 0 only at x = 1 and 2.
    const m = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 0]);
    const up = transformGtMasks([m], 4, 2, [4, 8], [4, 8], false);
    const rows = (t: Uint8Array, w: number) => Array.from({ length: t.length / w }, (_, y) => Array.from(t.subarray(y * w, (y + 1) * w)).join(''));
    expect(rows(up.masks[0], 8)).toEqual(['00111100', '00111100', '11000000', '11000000']);
    const flipped = transformGtMasks([m], 4, 2, [2, 4], [4, 6], true);
    expect([flipped.height, flipped.width]).toEqual([4, 6]);
    expect(rows(flipped.masks[0], 6)).toEqual(['011000', '000100', '000000', '000000']);
    expect(() => transformGtMasks([new Uint8Array(3)], 4, 2, [2, 4], [2, 4], false)).toThrow(/has 3 pixels, expected the image's 4×2/);
  });

  it('prepareTrainSample keeps masks aligned with the flipped, rescaled boxes', () => {
    const image = { width: 40, height: 20, data: new Uint8Array(40 * 20 * 3).fill(100) };
    const mask = new Uint8Array(40 * 20);
    for (let y = 4; y < 12; y++) for (let x = 6; x < 16; x++) mask[y * 40 + x] = 1;
    const s = prepareTrainSample(image, { boxes: Float32Array.from([6, 4, 16, 12]), labels: Int32Array.from([0]), masks: [mask] }, { ...defaultPipeline(), flipRatio: 1 }, () => 0);
    const [x1, y1, x2, y2] = s.gtBboxes;
    const [h, w] = [s.gtMasks!.height, s.gtMasks!.width];
    let minX = w;
    let maxX = -1;
    let minY = h;
    let maxY = -1;
    s.gtMasks!.masks[0].forEach((v, p) => {
      if (!v) return;
      minX = Math.min(minX, p % w);
      maxX = Math.max(maxX, p % w);
      minY = Math.min(minY, Math.floor(p / w));
      maxY = Math.max(maxY, Math.floor(p / w));
    });
    expect([minX, minY, maxX + 1, maxY + 1]).toEqual([x1, y1, x2, y2]);
    expect([h, w]).toEqual(s.shape);
  });

  it('initDetectorWeights initialises the mask head as mmdet (kaiming-normal fan_out, zero biases)', () => {
    const c = oracleCase('mmdet_mask_rcnn');
    const model = new MaskRCNN(parseModelConfig(c.configText));
    initDetectorWeights(model, 3);
    const head = model.roiHead.maskHead;
    const std = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
    const up = head.upsample.value('weight'); // [12, 12, 2, 2]
    expect(std(up)).toBeGreaterThan(0.85 * Math.sqrt(2 / (12 * 4)));
    expect(std(up)).toBeLessThan(1.15 * Math.sqrt(2 / (12 * 4)));
    const conv = head.convs[0].conv.value('weight'); // [12, 16, 3, 3]: fan_out 12 · 9
    expect(std(conv)).toBeGreaterThan(0.85 * Math.sqrt(2 / (12 * 9)));
    expect(std(conv)).toBeLessThan(1.15 * Math.sqrt(2 / (12 * 9)));
    expect(Array.from(head.convLogits.value('bias'))).toEqual(new Array(7).fill(0));
    model.dispose();
  });

  it('trainDetector trains a Mask R-CNN on examples with masks and reports loss_mask', async () => {
    await useBackend('wasm');
    await enableTraining();
    const c = oracleCase('mmdet_mask_rcnn');
    const model = new MaskRCNN(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const image = { width: 48, height: 40, data: Uint8Array.from({ length: 48 * 40 * 3 }, (_, i) => (i * 37) % 251) };
    const mask = new Uint8Array(48 * 40);
    for (let y = 8; y < 30; y++) for (let x = 10; x < 34; x++) if ((x - 22) ** 2 + (y - 19) ** 2 < 110) mask[y * 48 + x] = 1;
    const progress: DetectorTrainProgress[] = [];
    const before = tf.memory().numTensors;
    await trainDetector(model, [{ image, boxes: [[12, 9, 33, 30]], labels: [4], masks: [mask] }], {
      epochs: 2,
      batchSize: 1,
      pipeline: { imgScale: [64, 64] },
      warmupIters: 1,
      onProgress: (p) => progress.push(p),
    });
    expect(progress).toHaveLength(2);
    for (const p of progress) expect(p.lossMask).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainDetector(model, [{ image, boxes: [[12, 9, 33, 30]], labels: [4] }], { epochs: 1, pipeline: { imgScale: [64, 64] } })).rejects.toThrow(
      /sample 0 has no gtMasks/,
    );
    model.dispose();
  });
});

function defaultPipeline() {
  return { ...MMDET_TRAIN_PIPELINE, imgScale: [80, 40] as [number, number] };
}
