import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { parseHigherHRNetConfig } from './higher-config.js';
import { HigherHRNetModel } from './pose-higher-hrnet.js';

// Cases made by tools/oracle/gen_higher.py from the official pose_higher_hrnet.py (see each README).
const TOLERANCE = 1e-4;

describe('HigherHRNetModel matches the official pose_higher_hrnet.py (wasm)', () => {
  it.each(['higher_coco_ms_flip', 'higher_crowd_3out', 'higher_coco_plain'])('%s: every output within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    const model = new HigherHRNetModel(parseHigherHRNetConfig(c.configText));
    const report = model.load(readCheckpoint(c.checkpoint).stateDict);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = model.forwardNamed(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel).length).toBe(model.finalLayers.length);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
