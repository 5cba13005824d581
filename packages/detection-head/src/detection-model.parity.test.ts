import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { DetectionFeatureModel } from './detection-model.js';

const OUTPUTS = [0, 1, 2, 3].map((b) => `backbone_out_${b}`).concat([0, 1, 2, 3, 4].map((i) => `neck_out_${i}`));

describe.each(['wasm', 'cpu'] as const)('det_tiny parity with mmdet 2.x HRNet + HRFPN on %s', (backend) => {
  it('reproduces every backbone branch and every HRFPN level (1e-4 of std)', async () => {
    await useBackend(backend);
    const config = parseModelConfig(readFileSync(fixturePath('det', 'det_tiny_config.json'), 'utf8'));
    const model = new DetectionFeatureModel(config);
    const report = model.load((await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict);
    expect(report.missing).toEqual([]);
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const outputs = model.forwardNamed(x);
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUTS].sort());
    for (const name of OUTPUTS) {
      const expected = await readNpyFile(fixturePath('det', `${name}.npy`));
      const actual = await toNCHW(outputs[name]);
      expect(actual.shape, name).toEqual(expected.shape);
      expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd, name).toBeLessThan(1e-4);
    }
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it('sets the detector heads of a full checkpoint aside instead of failing the strict load', async () => {
    const config = parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8'));
    const model = new DetectionFeatureModel(config);
    const merged = new Map([
      ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
      ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
    ]);
    const report = model.load(merged);
    expect(report.missing).toEqual([]);
    expect(report.unexpected.length).toBeGreaterThan(0);
    expect(report.unexpected.every((k) => k.startsWith('rpn_head.') || k.startsWith('roi_head.'))).toBe(true);
  });
});
