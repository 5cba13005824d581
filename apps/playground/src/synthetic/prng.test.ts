import { describe, expect, it } from 'vitest';
import { detCos, detSin } from './det-math.js';
import { createRng } from './prng.js';

describe('createRng', () => {
  it('repeats its sequence for a seed and differs between neighbouring seeds', () => {
    const draw = (seed: number) => Array.from({ length: 50 }, createRng(seed).next);
    const a = draw(42);
    expect(draw(42)).toEqual(a);
    const b = draw(43);
    expect(a.filter((v, i) => v === b[i])).toHaveLength(0);
  });

  it('draws uniform-looking floats in [0, 1) and integers within bounds', () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 20000 }, rng.next);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, v) => s + v, 0) / xs.length).toBeCloseTo(0.5, 2);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[rng.int(1, 3)]++;
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expect(Math.abs(c - 20000 / 3)).toBeLessThan(300);
  });

  it('gives normal draws with the asked mean and std', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 40000 }, () => rng.normal(5, 2));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(5, 1);
    expect(std).toBeCloseTo(2, 1);
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    expect(() => createRng(-1)).toThrow(/seed must be an integer in \[0, 4294967295\], got -1/);
    expect(() => createRng(1.5)).toThrow(/got 1.5/);
    expect(() => createRng(2 ** 32)).toThrow(/seed/);
  });
});

describe('detSin / detCos', () => {
  it('match Math.sin / Math.cos to 1e-12 over several turns', () => {
    for (let x = -20; x <= 20; x += 0.0137) {
      expect(Math.abs(detSin(x) - Math.sin(x))).toBeLessThan(1e-12);
      expect(Math.abs(detCos(x) - Math.cos(x))).toBeLessThan(1e-12);
    }
    expect(detSin(Math.PI / 6)).toBeCloseTo(0.5, 14);
  });
});
