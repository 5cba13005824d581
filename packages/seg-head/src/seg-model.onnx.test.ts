import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, getPreset, onnxRunner, type OnnxSession, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';
import { classSumRelDiff, gridRelDiff, labelMismatches, loadTiny, MS, PIPELINE, settings } from './seg-pipeline-fixture.test-helper.js';
import { segment } from './segment.js';

const TOLERANCE = 1e-4;
const sessions: OnnxSession[] = [];

async function onnxOf(model: SegModel, intermediates = false) {
  const session = await createOrtSession(model.toOnnx({ intermediates }), { intraOpNumThreads: 1 });
  sessions.push(session);
  return onnxRunner(session);
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('SegModel exported to ONNX, on onnxruntime-node CPU', () => {
  it('seg_tiny (fixtures/seg, official seg_hrnet.py): logits within 1e-4 of std', async () => {
    const model = new SegModel(parseModelConfig(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8')));
    model.load((await readCheckpointFile(fixturePath('seg', 'seg_tiny.pth'))).stateDict);
    const x = fromNCHW(await readNpyFile(fixturePath('seg', 'input.npy')));
    const { logits } = await (await onnxOf(model))(x);
    const expected = await readNpyFile(fixturePath('seg', 'logits.npy'));
    const actual = await toNCHW(logits as tf.Tensor4D);
    expect(actual.shape).toEqual(expected.shape);
    expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd).toBeLessThan(TOLERANCE);
    tf.dispose([x, logits]);
    model.dispose();
  });

  it.each(['seg_ocr_ac_true', 'seg_v11_basic_stem'])('%s (tools/oracle; align_corners true / false, odd sizes): every stage output and the logits', async (name) => {
    const c = oracleCase(name);
    const model = new SegModel(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await (await onnxOf(model, true))(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel)).toContain('logits');
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it('a case outside the fixtures: W18-small-v2 layout, 7 classes, random weights, two sizes through one graph vs our TF.js forward', async () => {
    const config = structuredClone(getPreset('seg-cityscapes-w18-small-v2'));
    config.head = { ...config.head, numClasses: 7 } as typeof config.head;
    const model = new SegModel(config);
    randomizeWeights(model, 4);
    const run = await onnxOf(model);
    for (const [h, w] of [
      [65, 97],
      [96, 160],
    ]) {
      const x = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', h) as tf.Tensor4D;
      const ours = model.predict(x);
      const { logits } = await run(x);
      expect(logits.shape).toEqual(ours.shape);
      expect(difference(await logits.data(), await ours.data()).relToStd).toBeLessThan(TOLERANCE);
      tf.dispose([x, ours, logits]);
    }
    model.dispose();
  });

  it('seg_pipeline through ORT: single scale, and multi-scale + flip + sliding windows (image and flip in one call): grids, class sums, labels', async () => {
    const model = await loadTiny();
    const calls: number[] = [];
    const run = await onnxOf(model);
    const network = (x: tf.Tensor4D) => {
      calls.push(x.shape[0]);
      return run(x);
    };
    const image = await readImageFile(fixturePath('seg_pipeline', 'image.png'));
    const before = tf.memory().numTensors;
    const single = await segment(model, image, { ...PIPELINE, scales: [1], flip: false, returnScores: true, network });
    expect(calls).toEqual([1]);
    expect(await gridRelDiff(single.scores!, single.width, 'single_scale_pred_grid.npy')).toBeLessThan(1e-3);
    expect(classSumRelDiff(single.scores!, 19, settings.checksums.single_scale_pred_class_sums)).toBeLessThan(1e-3);
    const ties = settings.single_scale.top2_margin_log_space['pixels_below_1e-3_yx'];
    expect((await labelMismatches(single.labels, single.width, 'labels_single.npy', ties))[0]).toBe(0);

    const multi = await segment(model, image, { ...PIPELINE, scales: MS.scales, flip: true, returnScores: true, network });
    expect(calls.slice(1).every((n) => n === 2)).toBe(true);
    expect(await gridRelDiff(multi.scores!, multi.width, 'multi_scale_pred_grid.npy')).toBeLessThan(1e-3);
    expect(classSumRelDiff(multi.scores!, 19, settings.checksums.multi_scale_pred_class_sums)).toBeLessThan(1e-3);
    const [bad] = await labelMismatches(multi.labels, multi.width, 'labels_multi.npy', MS.top2_margin_relative['pixels_below_1e-3_yx']);
    expect(bad).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
