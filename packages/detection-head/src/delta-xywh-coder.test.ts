import { describe, expect, it } from 'vitest';
import { deltaXYWHDecode, deltaXYWHEncode } from './delta-xywh-coder.js';

const unit = { means: [0, 0, 0, 0] as [number, number, number, number], stds: [1, 1, 1, 1] as [number, number, number, number] };

describe('deltaXYWHDecode (mmdet 2.x delta2bbox)', () => {
  it('reproduces the documented example of mmdet delta2bbox (max_shape 32×32)', () => {
    const rois = Float32Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 5, 5, 5, 5]);
    const deltas = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 2, -1, 0.7, -1.9, -0.5, 0.3]);
    const out = deltaXYWHDecode(rois, deltas, unit, [32, 32]);
    const expected = [0, 0, 1, 1, 0.1409, 0.1409, 2.8591, 2.8591, 0, 0.3161, 4.1945, 0.6839, 5, 5, 5, 5];
    Array.from(out).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('clamps dw/dh at |log(16/1000)| and clips to [0, W] × [0, H]', () => {
    // pw = 10, dw = 10 → exp(4.1352) = 62.5 → width 625, centred at 5 → clipped to [0, 20].
    const out = deltaXYWHDecode(Float32Array.from([0, 0, 10, 10]), Float32Array.from([0, 0, 10, -10]), unit, [30, 20]);
    expect(Array.from(out)).toEqual([0, Math.fround(5 - 0.08), 20, Math.fround(5 + 0.08)]);
  });

  it('decodes class-specific deltas (k boxes per roi) with stds, and inverts encode', () => {
    const cfg = { means: [0, 0, 0, 0] as [number, number, number, number], stds: [0.1, 0.1, 0.2, 0.2] as [number, number, number, number] };
    const rois = Float32Array.from([10, 20, 50, 40]);
    const gt = Float32Array.from([12, 18, 60, 45]);
    const d = deltaXYWHEncode(rois, gt, cfg);
    const both = deltaXYWHDecode(rois, Float32Array.from([0, 0, 0, 0, ...d]), cfg);
    expect(Array.from(both.subarray(0, 4))).toEqual([10, 20, 50, 40]);
    Array.from(both.subarray(4)).forEach((v, i) => expect(v).toBeCloseTo(gt[i], 4));
    expect(() => deltaXYWHDecode(rois, new Float32Array(6), cfg)).toThrow(/need N × 4k/);
  });
});
