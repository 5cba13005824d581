import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';

describe.each(['wasm', 'cpu'] as const)('seg_tiny parity with the official seg_hrnet.py (pytorch-v1.1) on %s', (backend) => {
  it('reproduces logits (1e-4 of std) and the labels of the upsampled logits', async () => {
    await useBackend(backend);
    const config = parseModelConfig(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8'));
    const model = new SegModel(config);
    model.load((await readCheckpointFile(fixturePath('seg', 'seg_tiny.pth'))).stateDict);
    const input = await readNpyFile(fixturePath('seg', 'input.npy'));
    const x = fromNCHW(input);
    const logits = model.predict(x);
    const expected = await readNpyFile(fixturePath('seg', 'logits.npy'));
    const actual = await toNCHW(logits);
    expect(actual.shape).toEqual(expected.shape);
    expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd).toBeLessThan(1e-4);

    // BaseDataset.inference: bilinear (align_corners=False) to the input size, then argmax.
    const [, , height, width] = input.shape;
    const upsampled = resizeBilinearLikeTorch(logits, height, width, false);
    const scores = (await upsampled.data()) as Float32Array;
    const labels = await readNpyFile(fixturePath('seg', 'labels.npy'));
    const classes = logits.shape[3];
    let compared = 0;
    let mismatched = 0;
    for (let p = 0; p < labels.values.length; p++) {
      let best = -Infinity;
      let second = -Infinity;
      let arg = 0;
      for (let c = 0; c < classes; c++) {
        const v = scores[p * classes + c];
        if (v > best) [second, best, arg] = [best, v, c];
        else if (v > second) second = v;
      }
      // Near-ties (margin < 1e-3) may flip with float32 round-off (fixture README).
      if (best - second < 1e-3) continue;
      compared++;
      if (arg !== Number(labels.values[p])) mismatched++;
    }
    expect(compared).toBeGreaterThan(labels.values.length * 0.99);
    expect(mismatched).toBe(0);
    tf.dispose([x, logits, upsampled]);
    model.dispose();
  });
});
