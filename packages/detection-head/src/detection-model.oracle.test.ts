import * as tf from '@tensorflow/tfjs-core';
import { BackboneModel, fromNCHW, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';

// Extra oracle case made by tools/oracle/gen_extra.py from mmdetection 2.x hrnet.py (see the case's
// README.md): Bottleneck stage 2, stage 4 with 2 modules, multiscale_output True; keys `backbone.*`.
const TOLERANCE = 1e-4;


describe('BackboneModel (mmdet family) matches extra oracle cases of mmdet 2.x HRNet (wasm)', () => {
  it.each(['mmdet_ms4'])('%s: layer1, stage outputs and all four backbone outputs within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    const config = parseModelConfig(c.configText);
    expect(config.family).toBe('mmdet');
    const model = new BackboneModel(config);
    const report = model.load(readCheckpoint(c.checkpoint).stateDict);
    expect(report.missing).toEqual([]);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = model.forwardNamed(x, { intermediates: true });
    expect(Object.keys(outputs).filter((k) => k.startsWith('backbone_out_')).sort()).toEqual(
      c.manifest.outputs.map((o) => o.name).filter((k) => k.startsWith('backbone_out_')).sort(),
    );
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
