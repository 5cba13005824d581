import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { balancedSegLoss } from './balanced-loss.js';

// tools/oracle/cases/ocr_loss (gen_ocr.py): the unedited criterion.py of the HRNet-OCR branch on
// [aux, main] with LOSS.BALANCE_WEIGHTS [0.4, 1], reduced as FullModel + the train loop's mean.
const DIR = join(repoRoot(), 'tools', 'oracle', 'cases', 'ocr_loss');

describe('balancedSegLoss equals the official HRNet-OCR training loss (wasm)', () => {
  it('CrossEntropy / OhemCrossEntropy, with and without class weights, align_corners true and false', async () => {
    await useBackend('wasm');
    const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
    const before = tf.memory().numTensors;
    const aux = fromNCHW(await readNpyFile(join(DIR, 'aux.npy')));
    const main = fromNCHW(await readNpyFile(join(DIR, 'main.npy')));
    const l = await readNpyFile(join(DIR, 'labels.npy'));
    const labels = tf.tensor3d(Int32Array.from(l.values as Int32Array), l.shape as [number, number, number], 'int32');
    const official = manifest.losses as Record<string, number>;
    expect(Object.keys(official)).toHaveLength(8);
    for (const [key, expected] of Object.entries(official)) {
      const alignCorners = key.endsWith('_ac_true');
      const options = {
        ignoreLabel: 255,
        alignCorners,
        classWeights: key.includes('weighted') ? (manifest.class_weights as number[]) : undefined,
        ohem: key.startsWith('ohem') ? { thresh: manifest.ohem.thresh, minKept: manifest.ohem.min_kept } : undefined,
      };
      const loss = balancedSegLoss([aux, main], labels, manifest.balance_weights, options);
      expect.soft(loss.dataSync()[0], key).toBeCloseTo(expected, 5);
      loss.dispose();
    }
    tf.dispose([aux, main, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
