import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';

// Extra oracle case made by tools/oracle/gen_extra.py from the official pose_hrnet.py (see the
// case's README.md): 16 joints, 3x3 final conv, stage2 2 modules, stage3 2 blocks, stage4 3 modules.
const TOLERANCE = 1e-4;


describe('PoseModel matches extra oracle cases of the official pose_hrnet.py (wasm)', () => {
  it.each(['pose_tiny2'])('%s: every stage output and the heatmaps within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    const model = new PoseModel(parseModelConfig(c.configText));
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
