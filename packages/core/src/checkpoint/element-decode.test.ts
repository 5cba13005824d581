import { describe, expect, it } from 'vitest';
import { halfToFloat, swapBytes, viewElements } from './element-decode.js';
import { gatherStrided, isRowMajor } from './strided-gather.js';

describe('halfToFloat', () => {
  it('decodes the IEEE binary16 landmarks', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc100)).toBe(-2.5);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('is strictly increasing over all positive finite halves and odd in the sign bit', () => {
    for (let h = 1; h < 0x7c00; h++) {
      expect(halfToFloat(h) > halfToFloat(h - 1)).toBe(true);
      expect(halfToFloat(h | 0x8000)).toBe(-halfToFloat(h));
    }
  });
});

describe('viewElements', () => {
  it('widens bfloat16 by placing its bits in the top half of a float32', () => {
    const raw = new Uint8Array(new Uint16Array([0x3f80, 0xc0e8, 0x7f80]).buffer);
    expect([...viewElements(raw, 'bfloat16')]).toEqual([1, -7.25, Infinity]);
  });

  it('swaps bytes per element', () => {
    const raw = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(raw, 4);
    expect([...raw]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });
});

describe('gatherStrided', () => {
  it('matches naive index arithmetic for a permuted, offset view', () => {
    const src = new Uint8Array(200);
    for (let i = 0; i < src.length; i++) src[i] = i;
    const shape = [4, 2, 3];
    const stride = [1, 12, 4];
    const start = 5;
    const out = gatherStrided(src, start, 1, shape, stride, 24);
    const naive: number[] = [];
    for (let a = 0; a < 4; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) naive.push(start + a * 1 + b * 12 + c * 4);
    expect([...out]).toEqual(naive);
  });

  it('copies multi-byte elements whole and recognises row-major layouts', () => {
    const src = new Uint8Array(new Uint16Array([10, 11, 12, 13, 14, 15]).buffer);
    const out = gatherStrided(src, 0, 2, [3, 2], [1, 3], 6);
    expect([...new Uint16Array(out.buffer)]).toEqual([10, 13, 11, 14, 12, 15]);
    expect(isRowMajor([2, 1, 3], [3, 99, 1])).toBe(true);
    expect(isRowMajor([3, 2], [1, 3])).toBe(false);
  });
});
