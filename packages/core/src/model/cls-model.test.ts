import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../config/index.js';
import { BackboneModel } from './backbone-model.js';
import { ClsModel } from './cls-model.js';

function manifest(file: string): { state_dict: Array<[string, number[]]>; num_params: number; num_backbone_entries: number } {
  return JSON.parse(readFileSync(fixturePath('cls', file), 'utf8'));
}

const CASES = [
  ['cls-w18-small-v1', 'manifest_w18_small_v1.json'],
  ['cls-w18-small-v2', 'manifest_w18_small_v2.json'],
  ['cls-w18', 'manifest_w18.json'],
  ['cls-w32', 'manifest_w32.json'],
  ['cls-w48', 'manifest_w48.json'],
] as const;

describe('ClsModel state_dict equals the official cls_hrnet.py manifests', () => {
  for (const [preset, file] of CASES) {
    it(`${preset} ↔ ${file}: every key and shape, in order, and the parameter count`, () => {
      const m = manifest(file);
      const spec = new ClsModel(getPreset(preset)).stateDictSpec();
      expect(spec.map((e) => [e.key, e.shape])).toEqual(m.state_dict);
      const params = spec.filter((e) => e.kind === 'parameter').reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
      expect(params).toBe(m.num_params);
    });
  }

  it('the bare backbone is the manifest prefix before the classification head (ImageNet files seed other tasks)', () => {
    const m = manifest('manifest_w32.json');
    const spec = new BackboneModel({ ...getPreset('cls-w32'), family: 'cls' }).stateDictSpec();
    expect(spec.map((e) => [e.key, e.shape])).toEqual(m.state_dict.slice(0, m.num_backbone_entries));
  });
});
