import { describe, expect, it } from 'vitest';
import { halfToFloat } from './element-decode.js';
import { encodeFloat16, floatToHalf } from './float16.js';

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

describe('floatToHalf', () => {
  it('round-trips every one of the 65536 half bit patterns (NaNs stay NaN)', () => {
    let checked = 0;
    for (let h = 0; h < 0x10000; h++) {
      const back = floatToHalf(halfToFloat(h));
      if (isNaNBits(h)) expect(isNaNBits(back)).toBe(true);
      else if (back !== h) throw new Error(`half 0x${h.toString(16)} → ${halfToFloat(h)} → 0x${back.toString(16)}`);
      checked++;
    }
    expect(checked).toBe(65536);
  });

  it('rounds midpoints to the even neighbour and anything past them away, for every finite positive pair', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const lo = halfToFloat(h);
      const hi = halfToFloat(h + 1);
      const mid = (lo + hi) / 2; // exact in double precision
      const even = h % 2 === 0 ? h : h + 1;
      if (floatToHalf(mid) !== even || floatToHalf(-mid) !== (even | 0x8000)) throw new Error(`midpoint of 0x${h.toString(16)}`);
      const step = (hi - lo) / 1024;
      if (floatToHalf(mid - step) !== h || floatToHalf(mid + step) !== h + 1) throw new Error(`near midpoint of 0x${h.toString(16)}`);
    }
  });

  it('hand-checked values: 1, -2, 1/3, 65504, overflow, the smallest subnormal, signed zero', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(1 / 3)).toBe(0x3555); // 0.333251953125
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-Infinity)).toBe(0xfc00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -25)).toBe(0x0000); // tie → even (zero)
    expect(floatToHalf(1.5 * 2 ** -25)).toBe(0x0001);
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(NaN)).toBe(0x7e00);
  });

  it('encodeFloat16 converts arrays element-wise', () => {
    expect([...encodeFloat16(new Float32Array([0.5, -0.25, 3]))]).toEqual([0x3800, 0xb400, 0x4200]);
  });
});
