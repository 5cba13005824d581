import { describe, expect, it } from 'vitest';
import { getSegMasks, maskRois, pasteMask, roundHalfEven } from './paste-mask.js';

describe('pasteMask (mmdet _do_paste_mask, CPU path)', () => {
  it('a constant mask fills its box: pixels whose centres are inside the box, bilinear fall-off at the border', () => {
    const M = 4;
    const ones = new Float32Array(M * M).fill(1);
    // Box [2, 1, 6, 5] on a 8×10 image: pixel centres x + 0.5 in (2, 6) are inside (x = 2..5).
    const m = pasteMask(ones, M, [2, 1, 6, 5], 8, 10, 0.5);
    const rows = Array.from({ length: 8 }, (_, y) => Array.from(m.subarray(y * 10, (y + 1) * 10)).join(''));
    expect(rows).toEqual(['0000000000', '0011110000', '0011110000', '0011110000', '0011110000', '0000000000', '0000000000', '0000000000']);
    // Zeros padding: with a 2×2 mask (2-px cells) the pixel left of the box samples a quarter of the
    // edge cell — set at threshold 0.25, not at 0.5.
    const coarse = new Float32Array(4).fill(1);
    expect(pasteMask(coarse, 2, [2, 1, 6, 5], 8, 10, 0.25)[2 * 10 + 1]).toBe(1);
    expect(pasteMask(coarse, 2, [2, 1, 6, 5], 8, 10, 0.5)[2 * 10 + 1]).toBe(0);
    // The region is clamped to ⌊x0⌋−1 … ⌈x1⌉+1: a far pixel stays 0 even at threshold 0.
    expect(pasteMask(ones, M, [2, 1, 6, 5], 8, 10, 0)[7 * 10 + 9]).toBe(0);
  });

  it('samples the mask with align_corners=False: a left/right split lands on the box centre line', () => {
    const M = 2;
    const split = Float32Array.from([0, 1, 0, 1]); // left column 0, right column 1
    const m = pasteMask(split, M, [0, 0, 8, 4], 4, 8, 0.5);
    // Row 1 samples mask rows 0 and 1 fully; x-centre 3.5 → mask x 0.375 → 0.375 (< 0.5), 4.5 → 0.625,
    // 7.5 → 1.375: 0.625 of column 1, the rest zeros padding.
    expect(Array.from(m.subarray(8, 16)).join('')).toBe('00001111');
    // Row 0 (centre 0.5 → mask y −0.25) mixes in a quarter of padding: 0.75 × 0.625 < 0.5 at x = 4.
    expect(Array.from(m.subarray(0, 8)).join('')).toBe('00000110');
  });

  it('rescale: canvas = ori_shape, boxes divided back; no rescale: round(ori × scale) (half to even)', () => {
    const meta = { imgShape: [30, 41] as [number, number], scaleFactor: [1.5, 1.5, 1.5, 1.5] as [number, number, number, number], oriShape: [20, 27] as [number, number] };
    const det = Float32Array.from([2, 2, 10, 12]);
    const rois = maskRois(det, meta.scaleFactor, true);
    expect(Array.from(rois)).toEqual([3, 3, 15, 18]);
    const ones = new Float32Array(28 * 28).fill(1);
    const a = getSegMasks(ones, 28, rois, meta, true, 0.5);
    expect([a.height, a.width]).toEqual([20, 27]);
    const area = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
    expect(area(a.masks[0])).toBe(8 * 10);
    const b = getSegMasks(ones, 28, maskRois(det, meta.scaleFactor, false), meta, false, 0.5);
    expect([b.height, b.width]).toEqual([30, 40]); // 27 × 1.5 = 40.5 → 40
    expect(roundHalfEven(40.5)).toBe(40);
    expect(roundHalfEven(41.5)).toBe(42);
    expect(() => getSegMasks(ones, 28, rois, meta, true, -1)).toThrow(/mask_thr_binary must be ≥ 0/);
    expect(() => pasteMask(ones, 27, [0, 0, 1, 1], 2, 2, 0.5)).toThrow(/expected 27×27 probabilities, got 784/);
  });
});
