import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';

// Extra oracle case made by tools/oracle/gen_extra.py from the official pose_hrnet.py (see the
// case's README.md): 16 joints, 3x3 final conv, stage2 2 modules, stage3 2 blocks, stage4 3 modules.
const TOLERANCE = 1e-4;

interface CaseManifest {
  checkpoint: string;
  config: string;
  input: { file: string; shape: number[] };
  outputs: Array<{ name: string; shape: number[] }>;
}

describe('PoseModel matches extra oracle cases of the official pose_hrnet.py (wasm)', () => {
  it.each(['pose_tiny2'])('%s: every stage output and the heatmaps within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaseManifest;
    const before = tf.memory().numTensors;
    const model = new PoseModel(parseModelConfig(readFileSync(join(dir, manifest.config), 'utf8')));
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
