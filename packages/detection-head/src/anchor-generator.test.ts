import { describe, expect, it } from 'vitest';
import { AnchorGenerator } from './anchor-generator.js';

const gen = new AnchorGenerator({ strides: [4, 8], ratios: [0.5, 1, 2], scales: [8] });

describe('AnchorGenerator (mmdet 2.x, centre offset 0)', () => {
  it('base anchors: base size = stride, w = b·s/√r, h = b·s·√r, centred on the origin, ratio-major', () => {
    const r = Math.SQRT1_2;
    const expected = [
      [-16 / r, -16 * r, 16 / r, 16 * r], // ratio 0.5: 45.25 × 22.63
      [-16, -16, 16, 16], // ratio 1: 32 × 32
      [-16 * r, -16 / r, 16 * r, 16 / r], // ratio 2: 22.63 × 45.25
    ].flat();
    Array.from(gen.baseAnchors[0]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(Array.from(gen.baseAnchors[1].subarray(4, 8))).toEqual([-32, -32, 32, 32]);
    expect(gen.numBaseAnchors).toBe(3);
  });

  it('grid anchors are ordered (y, x, anchor) and shifted by x·stride, y·stride', () => {
    const all = gen.gridAnchors(1, 2, 3);
    expect(all.length).toBe(2 * 3 * 3 * 4);
    // location (y=1, x=2), anchor 1 (ratio 1): index (1·3 + 2)·3 + 1 = 16.
    expect(Array.from(all.subarray(16 * 4, 17 * 4))).toEqual([16 - 32, 8 - 32, 16 + 32, 8 + 32]);
  });

  it('scale_major false puts scales outer; mismatched base_sizes are rejected', () => {
    const g = new AnchorGenerator({ strides: [1], ratios: [1, 4], scales: [2, 4], scaleMajor: false });
    // order (scale 2, r 1), (scale 2, r 4), (scale 4, r 1), …: widths 2, 1, 4
    expect([0, 1, 2].map((k) => g.baseAnchors[0][4 * k + 2] * 2)).toEqual([2, 1, 4]);
    expect(() => new AnchorGenerator({ strides: [4, 8], ratios: [1], scales: [8], baseSizes: [4] })).toThrow(/1 base_sizes for 2 strides/);
  });
});
