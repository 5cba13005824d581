import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/read-checkpoint.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { inferModelConfig } from './infer-config.js';
import { parseModelConfig } from './parse-config.js';
import { getPreset } from './presets.js';

/** A state dict with the manifest's keys and shapes (values are irrelevant to inference). */
function fromManifest(group: string, file: string): StateDict {
  const { state_dict } = JSON.parse(readFileSync(fixturePath(group, file), 'utf8')) as { state_dict: Array<[string, number[]]> };
  return new Map(state_dict.map(([k, shape]) => [k, { dtype: 'float32' as const, shape, values: new Float32Array(0) }]));
}

const CASES = [
  ['pose', 'manifest_coco_w32_256x192.json', 'pose-coco-w32-256x192'],
  ['pose', 'manifest_mpii_w32_256x256.json', 'pose-mpii-w32-256x256'],
  ['seg', 'manifest_cityscapes_w18_small_v1.json', 'seg-cityscapes-w18-small-v1'],
  ['seg', 'manifest_ade20k_w48.json', 'seg-ade20k-w48'],
  ['cls', 'manifest_w18_small_v2.json', 'cls-w18-small-v2'],
  ['cls', 'manifest_w48.json', 'cls-w48'],
  ['det', 'manifest_faster_rcnn_hrnetv2p_w40.json', 'faster-rcnn-w40'],
] as const;

describe('inferModelConfig', () => {
  it.each(CASES)('%s %s → the architecture of %s', (group, file, preset) => {
    const inferred = inferModelConfig(fromManifest(group, file));
    const expected = getPreset(preset);
    expect(inferred.family).toBe(expected.family);
    expect(inferred.backbone.stage1).toEqual(expected.backbone.stage1);
    expect(inferred.backbone.stages).toEqual(expected.backbone.stages);
    expect(inferred.backbone.multiScaleOutput).toBe(expected.backbone.multiScaleOutput);
    if (expected.head.type === 'mmdet') {
      expect(inferred.head).toMatchObject({ type: 'mmdet', neck: { ...expected.head.neck } });
    } else {
      expect(inferred.head).toEqual(expected.head);
    }
  });

  it('reads a real checkpoint: pose_tiny.pth has the stages of pose_tiny_config.json', () => {
    const checkpoint = readCheckpoint(readFileSync(fixturePath('pose', 'pose_tiny.pth')));
    const inferred = inferModelConfig(checkpoint.stateDict);
    const config = parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8'));
    expect(inferred.backbone.stages).toEqual(config.backbone.stages);
    expect(inferred.head).toEqual(config.head);
  });

  it('says why when a state dict is not an HRNet', () => {
    const sd: StateDict = new Map([['fc.weight', { dtype: 'float32', shape: [2, 2], values: new Float32Array(4) }]]);
    expect(() => inferModelConfig(sd)).toThrow(/cannot infer the family/);
  });
});
