import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW } from '@hrnetjs/core';
import { readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputTransform } from './input-transform.js';
import { multiScaleInference } from './multi-scale-inference.js';
import type { SegModel } from './seg-model.js';
import { classSumRelDiff, gridRelDiff, labelMismatches, loadTiny, MS, PIPELINE, settings } from './seg-pipeline-fixture.test-helper.js';
import { segment } from './segment.js';
import { createSegmenter } from './segmenter.js';
import { resolveSegSettings } from './seg-settings.js';
import { scaledSize, slidingWindows } from './sliding-window.js';

describe('seg_pipeline sizes and windows (Cityscapes.multi_scale_inference)', () => {
  it('scaled sizes and the 1.25 sliding windows equal settings.json', () => {
    const [h, w] = settings.image_size_hw;
    for (const [scale, size] of Object.entries(MS.scaled_sizes_hw)) {
      expect(scaledSize(h, w, PIPELINE.baseSize, Number(scale))).toEqual(size);
    }
    const windows = slidingWindows(320, 640, PIPELINE.cropSize, 'cityscapes').map((b) => [b.h0, b.h1, b.w0, b.w1]);
    expect(windows).toEqual(MS.windows_hw_boxes['1.25']);
  });
});

// The cpu backend is ~30× slower on the 8 multi-scale model calls, so it runs the single-scale case only.
describe.each([
  ['wasm', true],
  ['cpu', false],
] as const)('segment() parity with the official cityscapes test path on %s', (backend, full) => {
  let model: SegModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = await loadTiny();
  });

  it('input_transform equals normalized_input.npy (float32, ≤ 1e-6)', async () => {
    const image = await readImageFile(fixturePath('seg_pipeline', 'image.png'));
    const ours = inputTransform(image, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const expected = await readNpyFile(fixturePath('seg_pipeline', 'normalized_input.npy'));
    const [, c, h, w] = expected.shape;
    let maxAbs = 0;
    for (let k = 0; k < c; k++) {
      for (let p = 0; p < h * w; p++) maxAbs = Math.max(maxAbs, Math.abs(ours[p * 3 + k] - Number(expected.values[k * h * w + p])));
    }
    expect(maxAbs).toBeLessThanOrEqual(1e-6);
  });

  it('single scale: prediction grid, class sums (rel 1e-3) and labels_single (ties excepted)', async () => {
    // Through the task API: checkpoint path + official yaml (as JSON) path + image path; sizes [width, height].
    const before = tf.memory().numTensors;
    const segmenter = await createSegmenter(
      { weights: fixturePath('seg', 'seg_tiny.pth'), config: fixturePath('seg', 'seg_tiny_config.json') },
      { baseSize: PIPELINE.baseSize, cropSize: [PIPELINE.cropSize[1], PIPELINE.cropSize[0]], flipTest: false },
    );
    const r = await segmenter.segment(fixturePath('seg_pipeline', 'image.png'), { scales: [1], returnScores: true });
    segmenter.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.settings.cropSize).toEqual(PIPELINE.cropSize);
    expect([r.height, r.width]).toEqual(settings.image_size_hw);
    expect(r.classes).toHaveLength(19);
    const scores = r.scores as Float32Array;
    expect(await gridRelDiff(scores, r.width, 'single_scale_pred_grid.npy')).toBeLessThan(1e-3);
    expect(classSumRelDiff(scores, 19, settings.checksums.single_scale_pred_class_sums)).toBeLessThan(1e-3);
    const [bad, compared] = await labelMismatches(r.labels, r.width, 'labels_single.npy', settings.single_scale.top2_margin_log_space['pixels_below_1e-3_yx']);
    expect(compared).toBe(256 * 512 - 118);
    expect(bad).toBe(0);
  });

  if (full) it('multi-scale + flip + sliding window: grid, class sums (rel 1e-3) and labels_multi (ties excepted)', async () => {
    const image = await readImageFile(fixturePath('seg_pipeline', 'image.png'));
    const r = await segment(model, image, { ...PIPELINE, scales: MS.scales, flip: true, returnScores: true });
    const scores = r.scores as Float32Array;
    expect(await gridRelDiff(scores, r.width, 'multi_scale_pred_grid.npy')).toBeLessThan(1e-3);
    expect(classSumRelDiff(scores, 19, settings.checksums.multi_scale_pred_class_sums)).toBeLessThan(1e-3);
    const [bad] = await labelMismatches(r.labels, r.width, 'labels_multi.npy', MS.top2_margin_relative['pixels_below_1e-3_yx']);
    expect(bad).toBe(0);
  });

  if (full) it('each scale alone matches its per-scale class sums (rel 1e-3)', async () => {
    const image = await readImageFile(fixturePath('seg_pipeline', 'image.png'));
    const x = tf.tensor4d(inputTransform(image, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), [1, 256, 512, 3]);
    for (const [scale, expected] of Object.entries(settings.checksums.per_scale_class_sums)) {
      const options = { ...resolveSegSettings(model.config, { ...PIPELINE, flip: true }), scales: [Number(scale)] };
      const pred = await multiScaleInference(model, x, options);
      expect(classSumRelDiff((await pred.data()) as Float32Array, 19, expected as number[]), `scale ${scale}`).toBeLessThan(1e-3);
      pred.dispose();
    }
    x.dispose();
  });

  it('on a normalised tensor (seg/input.npy item 0) reproduces seg/labels.npy where the margin is clear', async () => {
    const input = await readNpyFile(fixturePath('seg', 'input.npy'));
    const both = fromNCHW(input);
    const x = tf.slice(both, [0, 0, 0, 0], [1, 256, 512, 3]);
    const options = resolveSegSettings(model.config, { scales: [1], flip: false, baseSize: 512 });
    const pred = await multiScaleInference(model, x, options);
    const scores = (await pred.data()) as Float32Array;
    const expected = await readNpyFile(fixturePath('seg', 'labels.npy'));
    let compared = 0;
    let bad = 0;
    for (let p = 0; p < 256 * 512; p++) {
      const row = Array.from(scores.subarray(p * 19, p * 19 + 19)).map(Math.log);
      const sorted = [...row].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] < 1e-3) continue;
      compared++;
      if (row.indexOf(sorted[0]) !== Number(expected.values[p])) bad++;
    }
    expect(compared).toBeGreaterThan(256 * 512 * 0.99);
    expect(bad).toBe(0);
    tf.dispose([both, x, pred]);
  });
});
