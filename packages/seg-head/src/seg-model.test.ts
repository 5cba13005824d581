import { readFileSync } from 'node:fs';
import { getPreset } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';

const CASES = [
  ['seg-cityscapes-w48', 'manifest_cityscapes_w48.json'],
  ['seg-ade20k-w48', 'manifest_ade20k_w48.json'],
  ['seg-cityscapes-w18-small-v1', 'manifest_cityscapes_w18_small_v1.json'],
  ['seg-cityscapes-w18-small-v2', 'manifest_cityscapes_w18_small_v2.json'],
] as const;

describe('SegModel state_dict equals the official seg_hrnet.py manifests', () => {
  for (const [preset, file] of CASES) {
    it(`${preset} ↔ ${file}`, () => {
      const m = JSON.parse(readFileSync(fixturePath('seg', file), 'utf8'));
      const spec = new SegModel(getPreset(preset)).stateDictSpec();
      expect(spec.map((e) => [e.key, e.shape])).toEqual(m.state_dict);
      const params = spec.filter((e) => e.kind === 'parameter').reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
      expect(params).toBe(m.num_params);
    });
  }
});
