import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { munkres } from './munkres.js';

/** Smallest assignment cost by trying every permutation (small square matrices only). */
function bruteForce(m: number[][]): number {
  const n = m.length;
  let best = Infinity;
  const used = new Array<boolean>(n).fill(false);
  const go = (row: number, sum: number) => {
    if (row === n) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(row + 1, sum + m[row][j]);
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('munkres', () => {
  it('finds an optimal assignment (checked against every permutation)', () => {
    const rand = seeded(7);
    for (let t = 0; t < 60; t++) {
      const n = 1 + (t % 7);
      const m = Array.from({ length: n }, () => Array.from({ length: n }, () => (t % 2 ? Math.floor(rand() * 4) : rand() * 100 - 50)));
      const pairs = munkres(m);
      expect(pairs.map(([r]) => r)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(new Set(pairs.map(([, c]) => c)).size).toBe(n);
      const cost = pairs.reduce((s, [r, c]) => s + m[r][c], 0);
      expect(cost).toBeCloseTo(bruteForce(m), 9);
    }
  });

  it('known assignments: the classic 3×3 and a wide matrix padded with zero rows', () => {
    expect(munkres([[5, 9, 1], [10, 3, 2], [8, 7, 4]])).toEqual([[0, 2], [1, 1], [2, 0]]);
    expect(munkres([[4, 1, 3], [2, 0, 5]])).toEqual([[0, 1], [1, 0]]);
    expect(munkres([])).toEqual([]);
  });

  it('gives the same pairs as python munkres 1.1.4 (ties included), from the oracle', () => {
    const file = join(repoRoot(), 'tools', 'oracle', 'higher', 'group_synth', 'munkres.json');
    const cases = JSON.parse(readFileSync(file, 'utf8')) as Array<{ matrix: number[][]; pairs: number[][] }>;
    expect(cases.length).toBe(10);
    for (const c of cases) expect(munkres(c.matrix)).toEqual(c.pairs);
  });

  it('refuses ragged or non-finite matrices', () => {
    expect(() => munkres([[1, 2], [3]])).toThrow(/rectangular/);
    expect(() => munkres([[1, Number.NaN]])).toThrow(/finite/);
  });
});
