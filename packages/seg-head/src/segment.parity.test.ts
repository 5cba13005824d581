import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputTransform } from './input-transform.js';
import { multiScaleInference } from './multi-scale-inference.js';
import { SegModel } from './seg-model.js';
import { segment } from './segment.js';
import { createSegmenter } from './segmenter.js';
import { resolveSegSettings } from './seg-settings.js';
import { scaledSize, slidingWindows } from './sliding-window.js';

const settings = JSON.parse(readFileSync(fixturePath('seg_pipeline', 'settings.json'), 'utf8'));
const MS = settings.multi_scale;
const PIPELINE = { baseSize: MS['TEST.BASE_SIZE'] as number, cropSize: MS.crop_size_hw as [number, number] };

async function loadTiny(): Promise<SegModel> {
  const model = new SegModel(parseModelConfig(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8')));
  model.load((await readCheckpointFile(fixturePath('seg', 'seg_tiny.pth'))).stateDict);
  return model;
}

/** Largest |a − e| / |e| over the fixture grid; scores are HWC, the grid file NCHW [1, C, rows, cols]. */
async function gridRelDiff(scores: Float32Array, width: number, file: string): Promise<number> {
  const grid = await readNpyFile(fixturePath('seg_pipeline', file));
  const [, classes, nr, nc] = grid.shape;
  const rows: number[] = settings.grid.rows;
  const cols: number[] = settings.grid.cols;
  expect([nr, nc]).toEqual([rows.length, cols.length]);
  let worst = 0;
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < nc; j++) {
        const e = Number(grid.values[(c * nr + i) * nc + j]);
        const a = scores[(rows[i] * width + cols[j]) * classes + c];
        worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
      }
    }
  }
  return worst;
}

/** Largest relative difference of the per-class sums over all pixels. */
function classSumRelDiff(scores: Float32Array, classes: number, expected: number[]): number {
  const sums = new Float64Array(classes);
  for (let i = 0; i < scores.length; i++) sums[i % classes] += scores[i];
  return Math.max(...expected.map((e, c) => Math.abs(sums[c] - e) / Math.abs(e)));
}

/** Label mismatches outside the listed near-tie pixels, and how many pixels were compared. */
async function labelMismatches(labels: Int32Array, width: number, file: string, ties: number[][]): Promise<[number, number]> {
  const expected = await readNpyFile(fixturePath('seg_pipeline', file));
  const skip = new Set(ties.map(([y, x]) => y * width + x));
  let bad = 0;
  for (let p = 0; p < labels.length; p++) if (!skip.has(p) && labels[p] !== Number(expected.values[p])) bad++;
  return [bad, labels.length - skip.size];
}

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
