import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackboneModel, fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';

// Extra oracle case made by tools/oracle/gen_extra.py from mmdetection 2.x hrnet.py (see the case's
// README.md): Bottleneck stage 2, stage 4 with 2 modules, multiscale_output True; keys `backbone.*`.
const TOLERANCE = 1e-4;

interface CaseManifest {
  checkpoint: string;
  config: string;
  input: { file: string; shape: number[] };
  outputs: Array<{ name: string; shape: number[] }>;
}

describe('BackboneModel (mmdet family) matches extra oracle cases of mmdet 2.x HRNet (wasm)', () => {
  it.each(['mmdet_ms4'])('%s: layer1, stage outputs and all four backbone outputs within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaseManifest;
    const before = tf.memory().numTensors;
    const config = parseModelConfig(readFileSync(join(dir, manifest.config), 'utf8'));
    expect(config.family).toBe('mmdet');
    const model = new BackboneModel(config);
    const report = model.load((await readCheckpointFile(join(dir, manifest.checkpoint))).stateDict);
    expect(report.missing).toEqual([]);
    const x = fromNCHW(await readNpyFile(join(dir, manifest.input.file)));
    const outputs = model.forwardNamed(x, { intermediates: true });
    expect(Object.keys(outputs).filter((k) => k.startsWith('backbone_out_')).sort()).toEqual(
      manifest.outputs.map((o) => o.name).filter((k) => k.startsWith('backbone_out_')).sort(),
    );
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
