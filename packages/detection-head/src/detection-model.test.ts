import { readFileSync } from 'node:fs';
import { getPreset } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { DetectionFeatureModel } from './detection-model.js';

const CASES = [
  ['faster-rcnn-w18', 'manifest_faster_rcnn_hrnetv2p_w18.json'],
  ['faster-rcnn-w32', 'manifest_faster_rcnn_hrnetv2p_w32.json'],
  ['faster-rcnn-w40', 'manifest_faster_rcnn_hrnetv2p_w40.json'],
] as const;

describe('DetectionFeatureModel state_dict equals the mmdet 2.x backbone + neck manifests', () => {
  for (const [preset, file] of CASES) {
    it(`${preset} ↔ ${file}`, () => {
      const m = JSON.parse(readFileSync(fixturePath('det', file), 'utf8'));
      const spec = new DetectionFeatureModel(getPreset(preset)).stateDictSpec();
      expect(spec.map((e) => [e.key, e.shape])).toEqual(m.state_dict);
      const count = (prefix: string) =>
        spec.filter((e) => e.kind === 'parameter' && e.key.startsWith(prefix)).reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
      expect(count('backbone.')).toBe(m.num_params_backbone);
      expect(count('neck.')).toBe(m.num_params_neck);
    });
  }
});
