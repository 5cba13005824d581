import { describe, expect, it } from 'vitest';
import { familyDefaults, poseStage1 } from './family-defaults.js';
import { expectConfigError } from './test-fixtures.js';
import type { ModelFamily } from './types.js';

describe('familyDefaults', () => {
  it('pose: nearest, single-output last module, layer1 fixed to 4×BOTTLENECK(64)', () => {
    expect(familyDefaults('pose')).toEqual({
      upsample: 'nearest',
      alignCorners: false,
      multiScaleOutput: false,
      batchNorm: 'standard',
      stage1: { numModules: 1, numBranches: 1, block: 'BOTTLENECK', numBlocks: [4], numChannels: [64], fuseMethod: 'SUM' },
    });
  });

  it('seg: bilinear, align_corners false unless asked, four outputs', () => {
    expect(familyDefaults('seg')).toEqual({
      upsample: 'bilinear',
      alignCorners: false,
      multiScaleOutput: true,
      batchNorm: 'standard',
    });
    expect(familyDefaults('seg', { alignCorners: true }).alignCorners).toBe(true);
  });

  it.each(['cls', 'mmdet'] as const)('%s: nearest, four outputs, no fixed layer1', (family) => {
    const d = familyDefaults(family);
    expect(d).toEqual({ upsample: 'nearest', alignCorners: false, multiScaleOutput: true, batchNorm: 'standard' });
    expect(d.stage1).toBeUndefined();
  });

  it('batchNorm is standard unless inplace-abn is asked for', () => {
    expect(familyDefaults('seg', { batchNorm: 'inplace-abn' }).batchNorm).toBe('inplace-abn');
    expect(familyDefaults('pose', { batchNorm: 'inplace-abn' }).batchNorm).toBe('inplace-abn');
  });

  it('hands out fresh stage1 objects', () => {
    const a = familyDefaults('pose').stage1!;
    a.numChannels[0] = 1;
    expect(poseStage1().numChannels).toEqual([64]);
    expect(familyDefaults('pose').stage1!.numChannels).toEqual([64]);
  });

  it('rejects an unknown family with the list of valid ones', () => {
    expectConfigError(() => familyDefaults('depth' as ModelFamily), "unknown family 'depth'", 'pose, seg, cls or mmdet');
  });
});
