import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';

// Extra oracle cases made by tools/oracle/gen_extra.py from the official seg_hrnet.py (see each
// case's README.md). float64 vs float32 differ by < 1e-5 of the std there; 1e-4 of std is the bar.
const TOLERANCE = 1e-4;

interface CaseManifest {
  checkpoint: string;
  config: string;
  input: { file: string; shape: number[] };
  outputs: Array<{ name: string; shape: number[] }>;
}

const CASES = [
  // HRNet-OCR line, MODEL.ALIGN_CORNERS True, odd input 97x131, FINAL_CONV_KERNEL 3, 2 stage-3 modules.
  'seg_ocr_ac_true',
  // pytorch-v1.1 line, align_corners False, BASIC stage 1 (2 x 32 ch), 2 blocks per branch.
  'seg_v11_basic_stem',
];

describe('SegModel matches extra oracle cases of the official seg_hrnet.py (wasm)', () => {
  it.each(CASES)('%s: every stage output and the logits within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaseManifest;
    const before = tf.memory().numTensors;
    const model = new SegModel(parseModelConfig(readFileSync(join(dir, manifest.config), 'utf8')));
    const report = model.load((await readCheckpointFile(join(dir, manifest.checkpoint))).stateDict);
    expect(report.missing).toEqual([]);
    const x = fromNCHW(await readNpyFile(join(dir, manifest.input.file)));
    const outputs = model.forwardNamed(x, { intermediates: true });
    const rel: Record<string, number> = {};
    for (const { name: key, shape } of manifest.outputs) {
      const expected = await readNpyFile(join(dir, `${key}.npy`));
      expect(expected.shape, key).toEqual(shape);
      expect(outputs[key], `model output ${key}`).toBeDefined();
      const actual = await toNCHW(outputs[key]);
      expect(actual.shape, key).toEqual(expected.shape);
      rel[key] = difference(actual.values as Float32Array, expected.values as Float32Array).relToStd;
    }
    if (process.env.HRNET_ORACLE_VERBOSE) console.info(name, rel);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
