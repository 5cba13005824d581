import { readFileSync } from 'node:fs';
import { getPreset } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';

const CASES = [
  ['pose-coco-w32-256x192', 'manifest_coco_w32_256x192.json'],
  ['pose-coco-w48-384x288', 'manifest_coco_w48_384x288.json'],
  ['pose-mpii-w32-256x256', 'manifest_mpii_w32_256x256.json'],
] as const;

describe('PoseModel state_dict equals the official pose_hrnet.py manifests', () => {
  for (const [preset, file] of CASES) {
    it(`${preset} ↔ ${file}`, () => {
      const m = JSON.parse(readFileSync(fixturePath('pose', file), 'utf8'));
      const spec = new PoseModel(getPreset(preset)).stateDictSpec();
      expect(spec.map((e) => [e.key, e.shape])).toEqual(m.state_dict);
      const params = spec.filter((e) => e.kind === 'parameter').reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
      expect(params).toBe(m.num_params);
    });
  }
});
