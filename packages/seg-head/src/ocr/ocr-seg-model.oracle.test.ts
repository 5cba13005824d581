import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { OcrSegModel } from './ocr-seg-model.js';

// Oracle cases made by tools/oracle/gen_ocr.py from the unedited official seg_hrnet_ocr.py (HRNet-OCR
// branch HEAD); see each case's README.md. float64 vs float32 differ by < 1e-5 of the std there.
const TOLERANCE = 1e-4;

const CASES = [
  // ALIGN_CORNERS True, odd input 97×131, 7 classes, OCR mid 24 / key 12.
  'ocr_ac_true_odd',
  // ALIGN_CORNERS False, batch of 2, input 70×54, 5 classes, OCR mid 16 / key 10, 2 stage-4 modules.
  'ocr_ac_false_b2',
];

describe('OcrSegModel matches the official seg_hrnet_ocr.py (wasm)', () => {
  it.each(CASES)('%s: aux, OCR logits and every head intermediate within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    const config = parseModelConfig(c.configText);
    expect(config.head.type === 'seg' && config.head.ocr).toBeTruthy();
    const model = new OcrSegModel(config);
    const report = model.load(readCheckpoint(c.checkpoint).stateDict);
    expect([report.missing, report.unexpected]).toEqual([[], []]);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = model.forwardNamed(x, { intermediates: true });
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['aux', 'logits', 'conv3x3_ocr', 'ocr_gather_head', 'ocr_distri_head']));
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel).sort()).toEqual(c.manifest.outputs.map((o) => o.name).sort());
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    // predict() gives what the official test takes: output[TEST.OUTPUT_INDEX], −1 (main) by default.
    const main = model.predict(x);
    expect(Array.from(await main.data())).toEqual(Array.from(await outputs.logits.data()));
    const auxModel = new OcrSegModel({ ...config, source: { ...(config.source as object), TEST: { OUTPUT_INDEX: 0 } } });
    auxModel.load(readCheckpoint(c.checkpoint).stateDict);
    const aux = auxModel.predict(x);
    expect(Array.from(await aux.data())).toEqual(Array.from(await outputs.aux.data()));
    const bad = new OcrSegModel({ ...config, source: { TEST: { OUTPUT_INDEX: 2 } } });
    expect(() => bad.predict(x)).toThrow(/TEST.OUTPUT_INDEX must index the two outputs \[aux, main\].*got 2/);
    tf.dispose([x, main, aux, ...Object.values(outputs)]);
    [model, auxModel, bad].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
