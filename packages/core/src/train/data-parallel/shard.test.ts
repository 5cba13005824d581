import { describe, expect, it } from 'vitest';
import { shardSeed } from './protocol.js';
import { shardRanges } from './shard.js';

describe('shardRanges', () => {
  it('splits a batch into contiguous shares that differ by at most one and cover it in order', () => {
    expect(shardRanges(5, 2)).toEqual([[0, 2], [2, 5]]);
    expect(shardRanges(16, 3)).toEqual([[0, 5], [5, 10], [10, 16]]);
    expect(shardRanges(1, 2)).toEqual([[0, 0], [0, 1]]); // an empty share: that worker sits the step out
    expect(shardRanges(7, 1)).toEqual([[0, 7]]);
    expect(() => shardRanges(4, 0)).toThrow(/workers must be a positive integer, got 0/);
  });
});

describe('shardSeed', () => {
  it('differs per worker, step, epoch and seed, and is a stable 32-bit value', () => {
    const base = { seed: 7, epoch: 2, step: 3, worker: 0, workers: 2 };
    const seeds = [base, { ...base, worker: 1 }, { ...base, step: 4 }, { ...base, epoch: 3 }, { ...base, seed: 8 }, { ...base, workers: 4 }].map(shardSeed);
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(shardSeed({ ...base })).toBe(seeds[0]);
  });
});
