import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';

// Fixture README: float64 vs float32 differ by ~3e-5 of the heatmap std; 1e-4 of std is the bar.
const TOLERANCE = 1e-4;
const STAGE_OUTPUTS = ['stem', 'layer1', 'stage2_out_0', 'stage2_out_1', 'stage3_out_0', 'stage3_out_1', 'stage3_out_2', 'stage4_out_0'];
const CHECKPOINTS = ['pose_tiny.pth', 'pose_tiny_legacy.pth', 'pose_tiny_wrapped.pth'];

describe.each(['wasm', 'cpu'] as const)('pose_tiny parity with the official pose_hrnet.py on %s', (backend) => {
  it.each(CHECKPOINTS)('%s reproduces stem, layer1, every stage output and the heatmaps', async (file) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const config = parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8'));
    const model = new PoseModel(config);
    model.load((await readCheckpointFile(fixturePath('pose', file))).stateDict);
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
    const outputs = model.forwardNamed(x, { intermediates: true });
    for (const name of [...STAGE_OUTPUTS, 'heatmaps']) {
      const expected = await readNpyFile(fixturePath('pose', `${name}.npy`));
      // Intermediates were captured for batch item 0 only.
      const item = name === 'heatmaps' ? outputs[name] : tf.slice(outputs[name], 0, 1);
      const actual = await toNCHW(item);
      expect(actual.shape, name).toEqual(expected.shape);
      expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd, name).toBeLessThan(TOLERANCE);
      if (item !== outputs[name]) item.dispose();
    }
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    // Folded weights live with the model; outputs belong to the caller: nothing else may remain.
    expect(tf.memory().numTensors).toBe(before);
  });
});
