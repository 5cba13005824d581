import { describe, expect, it } from 'vitest';
import { getMultiScaleSize, higherAffineTransform, resizeAlignMultiScale } from './transforms.js';

describe('getMultiScaleSize', () => {
  // [w, h, INPUT_SIZE, scale, min scale] → size, center, scale as the official get_multi_scale_size
  // printed them (HigherHRNet lib/utils/transforms.py @ aa23881, numpy 1.24).
  it.each([
    [[640, 480, 512, 1, 1], [704, 512], [320, 240], [3.3, 2.4]],
    [[480, 640, 512, 2, 0.5], [1024, 1536], [240, 320], [2.4, 3.6]],
    [[151, 97, 128, 1.5, 0.5], [384, 192], [76, 49], [0.97, 0.485]],
    [[87, 131, 64, 1, 0.5], [128, 256], [44, 66], [0.435, 0.87]],
    [[333, 333, 640, 0.75, 0.75], [512, 512], [167, 167], [1.665, 1.665]],
    [[1000, 201, 512, 1, 0.25], [2560, 512], [500, 101], [5.025, 1.005]],
  ])('%j', ([w, h, input, cur, min], size, center, scale) => {
    const got = getMultiScaleSize(w, h, input, cur, min);
    expect(got.size).toEqual(size);
    expect(got.center).toEqual(center);
    expect(got.scale).toEqual(scale);
  });
});

describe('resizeAlignMultiScale', () => {
  it('maps the image box onto the resized size (the center to the middle, the short side to the size)', () => {
    const t = higherAffineTransform([76, 49], [0.97, 0.485], [384, 192]);
    // The 194-px-wide box (scale[0]·200) centred on (76, 49) maps onto the 384-px-wide input.
    expect(t[0] * 76 + t[1] * 49 + t[2]).toBeCloseTo(192, 4);
    expect(t[3] * 76 + t[4] * 49 + t[5]).toBeCloseTo(96, 4);
    expect(t[0]).toBeCloseTo(384 / 194, 6);
    const image = { width: 151, height: 97, data: new Uint8Array(151 * 97 * 3).fill(200) };
    const r = resizeAlignMultiScale(image, 128, 1.5, 0.5);
    expect([r.image.width, r.image.height]).toEqual([384, 192]);
    expect(r.image.data[(96 * 384 + 192) * 3]).toBe(200);
  });
});
