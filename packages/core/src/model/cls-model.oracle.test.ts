import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { difference, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/index.js';
import { parseModelConfig } from '../config/index.js';
import { useBackend } from '../node.js';
import { readNpyFile } from '../node/npy-file.js';
import { fromNCHW, toNCHW } from '../tensor/index.js';
import { ClsModel } from './cls-model.js';

// Extra oracle case made by tools/oracle/gen_extra.py from the official cls_hrnet.py (see the case's
// README.md). The official head is fixed (~11.7M parameters, Linear(2048, 1000)), so its big layers
// are sparse and the torch.save file is stored gzip-compressed: it is gunzipped here in memory.
const TOLERANCE = 1e-4;

interface CaseManifest {
  checkpoint: string;
  config: string;
  input: { file: string; shape: number[] };
  outputs: Array<{ name: string; shape: number[] }>;
}

describe('ClsModel matches extra oracle cases of the official cls_hrnet.py (wasm)', () => {
  it.each(['cls_tiny'])('%s: stage-4 outputs and the 1000 logits within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaseManifest;
    const before = tf.memory().numTensors;
    const model = new ClsModel(parseModelConfig(readFileSync(join(dir, manifest.config), 'utf8')));
    let bytes = new Uint8Array(readFileSync(join(dir, manifest.checkpoint)));
    if (manifest.checkpoint.endsWith('.gz')) bytes = new Uint8Array(gunzipSync(bytes));
    const report = model.load(readCheckpoint(bytes).stateDict);
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
