import { describe, expect, it } from 'vitest';
import { createRandom, shuffledIndices } from './init.js';

describe('shuffledIndices', () => {
  it('is a seeded permutation of 0…n−1: same seed same order, another seed another order', () => {
    const a = shuffledIndices(50, createRandom(7));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledIndices(50, createRandom(7))).toEqual(a);
    expect(shuffledIndices(50, createRandom(8))).not.toEqual(a);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledIndices(0, createRandom(1))).toEqual([]);
  });

  it('Fisher–Yates from the top: with random() = 0 each step swaps i with 0', () => {
    // i = 3 ↔ 0: [3,1,2,0]; i = 2 ↔ 0: [2,1,3,0]; i = 1 ↔ 0: [1,2,3,0].
    expect(shuffledIndices(4, () => 0)).toEqual([1, 2, 3, 0]);
  });
});
