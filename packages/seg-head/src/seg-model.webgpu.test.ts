import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, onnxRunner, type OnnxSession, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { describeWebGpu, difference, fixturePath, logDifferences, oracleCase, oracleDifferences, profiledSessions } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';
import { classSumRelDiff, gridRelDiff, labelMismatches, loadTiny, PIPELINE, settings } from './seg-pipeline-fixture.test-helper.js';
import { segment } from './segment.js';

// onnxruntime-node's WebGPU provider on software Vulkan (Mesa 25 lavapipe from scripts/setup.sh):
// the checks and tolerances of seg-model.onnx.test.ts (ORT CPU). One profiled session per network:
// seg_tiny serves the logits check and the pipeline.
const TOLERANCE = 1e-4;
const gpu = profiledSessions((bytes, profileFilePrefix) => createOrtSession(bytes, { executionProvider: 'webgpu', profileFilePrefix }));

describeWebGpu('SegModel on onnxruntime-node WebGPU (software Vulkan)', () => {
  let tiny: SegModel;
  let session: OnnxSession;
  beforeAll(async () => {
    await useBackend('wasm');
    tiny = await loadTiny();
    session = await gpu.get('seg_tiny', () => tiny.toOnnx());
  });
  afterAll(async () => {
    await gpu.cleanup();
    tiny?.dispose();
  });

  it('seg_tiny (fixtures/seg, official seg_hrnet.py): logits within 1e-4 of std', async () => {
    const x = fromNCHW(await readNpyFile(fixturePath('seg', 'input.npy')));
    const { logits } = await onnxRunner(session)(x);
    const expected = await readNpyFile(fixturePath('seg', 'logits.npy'));
    const actual = await toNCHW(logits as tf.Tensor4D);
    expect(actual.shape).toEqual(expected.shape);
    const rel = difference(actual.values as Float32Array, expected.values as Float32Array).relToStd;
    logDifferences('webgpu seg_tiny', { logits: rel });
    expect(rel).toBeLessThan(TOLERANCE);
    tf.dispose([x, logits]);
  });

  it.each(['seg_ocr_ac_true', 'seg_v11_basic_stem'])('%s (tools/oracle; align_corners true / false, odd sizes): every stage output and the logits', async (name) => {
    const c = oracleCase(name);
    const model = new SegModel(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const run = onnxRunner(await gpu.get(name, () => model.toOnnx({ intermediates: true })));
    model.dispose();
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await run(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    logDifferences(`webgpu ${name}`, rel);
    expect(Object.keys(rel)).toContain('logits');
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
  });

  // The single-scale run only: the multi-scale + flip run is 9 network calls of up to 2×256×512
  // (≈ 20 s on lavapipe) through the same graph and the same JS pipeline as on ORT CPU, where
  // seg-model.onnx.test.ts checks it.
  it('seg_pipeline, single scale: score grid and class sums within 1e-3, labels equal the official ones', async () => {
    const image = await readImageFile(fixturePath('seg_pipeline', 'image.png'));
    const before = tf.memory().numTensors;
    const single = await segment(tiny, image, { ...PIPELINE, scales: [1], flip: false, returnScores: true, network: onnxRunner(session) });
    expect(tf.memory().numTensors).toBe(before);
    const ties = settings.single_scale.top2_margin_log_space['pixels_below_1e-3_yx'];
    const measured = {
      grid: await gridRelDiff(single.scores!, single.width, 'single_scale_pred_grid.npy'),
      classSums: classSumRelDiff(single.scores!, 19, settings.checksums.single_scale_pred_class_sums),
      labelMismatches: (await labelMismatches(single.labels, single.width, 'labels_single.npy', ties))[0],
    };
    logDifferences('webgpu seg_pipeline single scale', measured);
    expect(measured.grid).toBeLessThan(1e-3);
    expect(measured.classSums).toBeLessThan(1e-3);
    expect(measured.labelMismatches).toBe(0);
  });

  it('the WebGPU provider ran every node computing float tensors (session profiles; only int64 shape arithmetic on the CPU)', async () => {
    const placement = await gpu.placement();
    expect(Object.keys(placement).sort()).toEqual(['seg_ocr_ac_true', 'seg_tiny', 'seg_v11_basic_stem']);
    for (const [key, p] of Object.entries(placement)) {
      expect(p.onProvider, key).toBeGreaterThan(0);
      expect(p.fallbacks, key).toEqual([]);
    }
  });
});
