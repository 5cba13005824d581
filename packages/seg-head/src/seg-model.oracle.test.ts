import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';

// Extra oracle cases made by tools/oracle/gen_extra.py from the official seg_hrnet.py (see each
// case's README.md). float64 vs float32 differ by < 1e-5 of the std there; 1e-4 of std is the bar.
const TOLERANCE = 1e-4;


const CASES = [
  // HRNet-OCR line, MODEL.ALIGN_CORNERS True, odd input 97x131, FINAL_CONV_KERNEL 3, 2 stage-3 modules.
  'seg_ocr_ac_true',
  // pytorch-v1.1 line, align_corners False, BASIC stage 1 (2 x 32 ch), 2 blocks per branch.
  'seg_v11_basic_stem',
];

describe('SegModel matches extra oracle cases of the official seg_hrnet.py (wasm)', () => {
  it.each(CASES)('%s: every stage output and the logits within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    const model = new SegModel(parseModelConfig(c.configText));
    const report = model.load(readCheckpoint(c.checkpoint).stateDict);
    expect(report.missing).toEqual([]);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = model.forwardNamed(x, { intermediates: true });
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
