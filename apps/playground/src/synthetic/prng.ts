/**
 * A seeded pseudo-random generator for the synthetic scenes. Everything here uses only integer ops
 * (`Math.imul`, shifts) and IEEE-exact arithmetic, so a seed gives the same sequence in every JS engine.
 */

/** The state of a generator: draws advance it. */
export interface Rng {
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** An index drawn with the given (non-negative, not all zero) weights. */
  weighted(weights: readonly number[]): number;
  /** Approximately normal N(mean, std²) (Irwin–Hall sum of 4 uniforms: bounded, no `Math.log`). */
  normal(mean: number, std: number): number;
}

/** splitmix32 step: spreads a 32-bit seed so that neighbouring seeds give unrelated streams. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A generator seeded by a 32-bit unsigned integer (sfc32 seeded through splitmix32).
 * Throws for a seed that is not an integer in [0, 2³²).
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  let a = splitmix32(seed);
  let b = splitmix32(a);
  let c = splitmix32(b);
  let d = 1;
  const nextUint = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // sfc32 wants a few rounds before its output is well mixed.
  for (let i = 0; i < 12; i++) nextUint();
  const next = (): number => nextUint() / 4294967296;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick: the list is empty');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (weights) => {
      const total = weights.reduce((s, w) => s + w, 0);
      if (!(total > 0)) throw new RangeError('weighted: weights must be non-negative and not all zero');
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    normal: (mean, std) => {
      // Sum of 4 uniforms has variance 4/12; rescale to unit variance.
      const s = next() + next() + next() + next() - 2;
      return mean + std * s * Math.sqrt(3);
    },
  };
}
