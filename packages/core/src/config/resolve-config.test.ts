import { describe, expect, it } from 'vitest';
import { getPreset, presetToModelConfig } from './presets.js';
import { resolveModelConfig } from './resolve-config.js';
import { expectConfigError, readFixtureText } from './test-fixtures.js';
import type { MmdetHeadConfig } from './types.js';

describe('resolveModelConfig', () => {
  it('a preset id gives the preset config', () => {
    expect(resolveModelConfig('seg-lip-w48')).toEqual(presetToModelConfig(getPreset('seg-lip-w48')));
    expect(resolveModelConfig('  pose_mpii_w48_256x256\n').name).toBe('pose-mpii-w48-256x256');
  });

  it('options override the preset (name, batchNorm, alignCorners, neck key style)', () => {
    const config = resolveModelConfig('seg-cityscapes-w48', { name: 'cs', batchNorm: 'inplace-abn', alignCorners: true });
    expect(config.name).toBe('cs');
    expect(config.backbone).toMatchObject({ batchNorm: 'inplace-abn', alignCorners: true });
    const det = resolveModelConfig('faster-rcnn-w18', { neckKeyStyle: 'hrnet-det' });
    expect((det.head as MmdetHeadConfig).neck!.keyStyle).toBe('hrnet-det');
    // The table itself is untouched.
    expect(getPreset('seg-cityscapes-w48').backbone.batchNorm).toBe('standard');
  });

  it('a preset of another family than requested is an error', () => {
    expectConfigError(() => resolveModelConfig('cls-w18', { family: 'pose' }), "preset 'cls-w18' is a 'cls' model but family 'pose' was requested");
    expect(resolveModelConfig('cls-w18', { family: 'cls' }).family).toBe('cls');
  });

  it('an id-like string that is no preset gets the did-you-mean error', () => {
    expectConfigError(() => resolveModelConfig('seg-cityscape-w48'), "unknown preset 'seg-cityscape-w48'", "did you mean 'seg-cityscapes-w48'");
  });

  it('config text and objects are parsed', () => {
    expect(resolveModelConfig(readFixtureText('pose/pose_tiny_config.json')).family).toBe('pose');
    expect(resolveModelConfig(JSON.parse(readFixtureText('det/det_tiny_config.json'))).family).toBe('mmdet');
    // Multi-line text is never taken for a preset id, even when it is broken.
    expectConfigError(() => resolveModelConfig('MODEL:\n  NAME: seg_hrnet\nDATASET: {NUM_CLASSES: 19}\n'), 'MODEL.EXTRA is missing');
  });
});
