import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { torchTopk } from './torch-topk.js';

describe('torchTopk', () => {
  it('gives torch.topk indices, ties in the same order, on both CPU paths (oracle)', () => {
    const file = join(repoRoot(), 'tools', 'oracle', 'higher', 'group_synth', 'topk.json');
    const cases = JSON.parse(readFileSync(file, 'utf8')) as Array<{ values: number[]; k: number; indices: number[] }>;
    expect(cases.length).toBe(10);
    expect(cases.some((c) => c.k * 64 <= c.values.length)).toBe(true);
    expect(cases.some((c) => c.k * 64 > c.values.length)).toBe(true);
    for (const c of cases) expect(Array.from(torchTopk(Float32Array.from(c.values), c.k))).toEqual(c.indices);
  });

  it('returns the k largest, best first, and checks k', () => {
    const v = [0.5, 3, -1, 2, 9, 2.5];
    expect(Array.from(torchTopk(v, 3))).toEqual([4, 1, 5]);
    expect(Array.from(torchTopk([Number.NaN, 1, 2], 2))).toEqual([0, 2]);
    expect(torchTopk(v, 0).length).toBe(0);
    expect(() => torchTopk(v, 7)).toThrow(/k must be an integer in 0..6/);
  });
});
