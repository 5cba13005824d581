import { getPreset, matchPreset, type StateDict } from '@hrnetjs/core';
import { describe, expect, it } from 'vitest';
import { SEG_BUILDER } from './register.js';
import { SegModel } from './seg-model.js';

/** A state dict with a preset's keys and shapes (no values: matching reads shapes and lengths only). */
function shapesOf(presetId: string, keep: (key: string) => boolean = () => true): StateDict {
  const sd: StateDict = new Map();
  for (const { key, shape } of new SegModel(getPreset(presetId)).stateDictSpec()) {
    if (keep(key)) sd.set(key, { dtype: 'float32', shape, values: { length: shape.reduce((a, b) => a * b, 1) } as unknown as Float32Array });
  }
  return sd;
}

describe('seg presets in matchPreset (registered by this package)', () => {
  it('tells the datasets apart by class count and InPlaceABN files by their missing BN counters, with typed test settings', () => {
    expect(SEG_BUILDER.head).toBe('seg');
    const ade = matchPreset(shapesOf('seg-ade20k-w48'));
    expect(ade?.id).toBe('seg-ade20k-w48');
    expect(ade?.config.backbone.batchNorm).toBe('standard');
    expect(ade?.config.test).toEqual({ dataset: 'ade20k', baseSize: 520, cropSize: [520, 520], scales: [1], flipTest: false });
    const torch04 = matchPreset(shapesOf('seg-lip-w48', (k) => !k.endsWith('num_batches_tracked')));
    expect(torch04?.id).toBe('seg-lip-w48');
    expect(torch04?.config.backbone.batchNorm).toBe('inplace-abn');
    expect(matchPreset(shapesOf('seg-cityscapes-w18-small-v2'))?.id).toBe('seg-cityscapes-w18-small-v2');
  });
});
