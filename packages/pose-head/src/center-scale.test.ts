import { describe, expect, it } from 'vitest';
import { checkBox, scaleArea, xywh2cs } from './center-scale.js';

describe('xywh2cs (official _xywh2cs)', () => {
  it('gives the fixture center/scale for box (200, 80, 150, 300) at aspect 0.75', () => {
    // Too tall: width padded to 300·0.75 = 225 → scale (1.125, 1.5)·1.25.
    expect(xywh2cs({ x: 200, y: 80, width: 150, height: 300 }, 0.75)).toEqual({ center: [275, 230], scale: [1.40625, 1.875] });
  });

  it('pads the height of a wide box and keeps a box of the model aspect as it is', () => {
    // 400 wide → h = 400 / 0.75 = 533.33…; scale_y = float32(2.6666667)·1.25.
    const wide = xywh2cs({ x: -88, y: 251, width: 400, height: 100 }, 0.75);
    expect(wide.center).toEqual([112, 301]);
    expect(wide.scale[0]).toBe(2.5);
    expect(wide.scale[1]).toBe(Math.fround(Math.fround(400 / 0.75 / 200) * 1.25));
    // Already 3:4 → only /200 (float32) and ×1.25.
    expect(xywh2cs({ x: 0, y: 0, width: 192, height: 256 }, 0.75).scale).toEqual([Math.fround(Math.fround(0.96) * 1.25), Math.fround(Math.fround(1.28) * 1.25)]);
  });

  it('rounds the center to float32 like the official np.float32 array', () => {
    expect(xywh2cs({ x: 0.1, y: 0, width: 0.2, height: 1 }, 1).center[0]).toBe(Math.fround(0.2));
  });

  it('computes the OKS area from the scale in float32', () => {
    expect(scaleArea([1.40625, 1.875])).toBe(281.25 * 375);
  });

  it('rejects boxes that are not four finite numbers or have no area', () => {
    expect(() => checkBox({ x: 0, y: 0, width: 0, height: 5 })).toThrow(/positive width and height, got 0×5/);
    expect(() => checkBox({ x: Number.NaN, y: 0, width: 1, height: 5 })).toThrow(/finite numbers/);
    expect(() => xywh2cs({ x: 0, y: 0, width: 10, height: 10, score: Number.NaN }, 1)).toThrow(/score must be a finite number/);
  });
});
