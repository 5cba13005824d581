import { describe, expect, it } from 'vitest';
import { argsortDescending, formatFixed, linspace, numpyMean, pairwiseSum, searchsortedLeft } from './numpy-math.js';

describe('linspace (np.linspace arithmetic)', () => {
  it('computes i * step + start and pins the last value, giving COCO’s 0.8999999999999999', () => {
    const thrs = linspace(0.5, 0.95, 10);
    expect(thrs).toHaveLength(10);
    expect(thrs[8]).toBe(8 * ((0.95 - 0.5) / 9) + 0.5);
    expect(thrs[8]).not.toBe(0.9);
    expect(thrs[5]).toBe(0.75); // summarize() finds iouThr=.75 by exact equality
    expect(thrs[9]).toBe(0.95);
    const rec = linspace(0, 1, 101);
    expect(rec[0]).toBe(0);
    expect(rec[100]).toBe(1);
    expect(rec[37]).toBe(37 * 0.01);
  });
});

describe('pairwiseSum (NumPy float64 add.reduce)', () => {
  it('uses 8 accumulators above 7 elements: ten 0.1 sum to exactly 1 (a plain loop gives 0.9999999999999999)', () => {
    const tenths = new Array(10).fill(0.1);
    expect(tenths.reduce((a, b) => a + b, 0)).toBe(0.9999999999999999);
    // r0..r7 = 0.1; ((.2 + .2) + (.2 + .2)) = 0.8; + 0.1 + 0.1
    expect(pairwiseSum(tenths)).toBe(0.8 + 0.1 + 0.1);
    expect(pairwiseSum(tenths)).toBe(1);
    expect(numpyMean(tenths)).toBe(0.1);
  });

  it('sums short arrays in order and splits long ones into halves that are multiples of 8', () => {
    expect(pairwiseSum([1, 2, 3])).toBe(6);
    expect(pairwiseSum([])).toBe(0);
    const values = Array.from({ length: 200 }, (_, i) => 0.1 * i);
    // 200 → 96 + 104 elements: each half is one 8-accumulator block.
    expect(pairwiseSum(values)).toBe(pairwiseSum(values, 0, 96) + pairwiseSum(values, 96, 104));
    expect(pairwiseSum(values)).toBeCloseTo(1990, 9);
  });
});

describe('argsortDescending (np.argsort(-x, kind="mergesort"))', () => {
  it('orders by descending score and keeps ties in input order', () => {
    expect(argsortDescending([0.5, 0.9, 0.5, 0.9, 0.1])).toEqual([1, 3, 0, 2, 4]);
    expect(argsortDescending([])).toEqual([]);
  });
});

describe('searchsortedLeft (np.searchsorted side="left")', () => {
  it('returns the first index whose value is >= the query, and the length past the end', () => {
    expect(searchsortedLeft([0.25, 0.5, 0.5, 1], [0, 0.25, 0.3, 0.5, 1, 1.5])).toEqual([0, 0, 1, 1, 3, 4]);
    expect(searchsortedLeft([], [0])).toEqual([0]);
  });
});

describe('formatFixed (Python "{:0.3f}")', () => {
  it('rounds exact binary ties to even like Python, where toFixed rounds them up', () => {
    expect((0.0625).toFixed(3)).toBe('0.063');
    expect(formatFixed(0.0625, 3)).toBe('0.062');
    expect(formatFixed(0.1875, 3)).toBe('0.188');
    expect(formatFixed(0.5625, 3)).toBe('0.562');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
  });

  it('prints ordinary values, -1 and 1 as Python does', () => {
    expect(formatFixed(0.32173128665760403, 3)).toBe('0.322');
    expect(formatFixed(0.28125, 3)).toBe('0.281'); // 0.28125 is not a 3-digit tie
    expect(formatFixed(-1, 3)).toBe('-1.000');
    expect(formatFixed(1, 3)).toBe('1.000');
    expect(formatFixed(0.95, 2)).toBe('0.95');
  });
});
