/**
 * Colours and procedural textures (value noise, stripes, checks, gradients) for backgrounds and
 * object surfaces. Integer hashing and + − × ÷ only, so pixels are identical in every engine.
 */
import { detCos, detSin } from './det-math.js';
import type { Rng } from './prng.js';

/** An RGB colour with float channels in [0, 255]. */
export type Rgb = readonly [number, number, number];

/** A colour per pixel position. */
export type Texture = (x: number, y: number) => Rgb;

/** HSV (h in [0, 1), s and v in [0, 1]) → RGB in [0, 255]. */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const h6 = (h - Math.floor(h)) * 6;
  const i = Math.floor(h6);
  const f = h6 - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6];
  return [r * 255, g * 255, b * 255];
}

/** Linear blend a·(1 − t) + b·t. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Multiplies every channel by `k` (shading). */
export function shade(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/** A random colour with saturation and value drawn from the given ranges. */
export function randomColour(rng: Rng, sat: readonly [number, number] = [0.3, 0.9], val: readonly [number, number] = [0.3, 0.95]): Rgb {
  return hsvToRgb(rng.next(), rng.uniform(sat[0], sat[1]), rng.uniform(val[0], val[1]));
}

/** A hash of (seed, ix, iy) to [0, 1). */
export function hash2(seed: number, ix: number, iy: number): number {
  let h = Math.imul(ix | 0, 0x27d4eb2d) ^ Math.imul(iy | 0, 0x165667b1) ^ Math.imul(seed | 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) with lattice spacing `cell` pixels. */
export function valueNoise(seed: number, x: number, y: number, cell: number): number {
  const fx = x / cell;
  const fy = y / cell;
  const ix = Math.floor(fx);
  const iy = Math.floor(fy);
  const tx = fx - ix;
  const ty = fy - iy;
  const sx = tx * tx * (3 - 2 * tx);
  const sy = ty * ty * (3 - 2 * ty);
  const top = hash2(seed, ix, iy) + (hash2(seed, ix + 1, iy) - hash2(seed, ix, iy)) * sx;
  const bottom = hash2(seed, ix, iy + 1) + (hash2(seed, ix + 1, iy + 1) - hash2(seed, ix, iy + 1)) * sx;
  return top + (bottom - top) * sy;
}

/** Three octaves of value noise (fractal), in [0, 1). */
export function fractalNoise(seed: number, x: number, y: number, cell: number): number {
  return (4 * valueNoise(seed, x, y, cell) + 2 * valueNoise(seed + 1, x, y, cell / 2) + valueNoise(seed + 2, x, y, cell / 4)) / 7;
}

/** The kinds of surface pattern {@link randomTexture} draws. */
export type PatternKind = 'solid' | 'stripes' | 'noise' | 'checks' | 'gradient';

/**
 * A random texture around `base`: solid, stripes, checks, noise or a gradient, at a scale suited
 * to an object about `size` pixels across.
 */
export function randomTexture(rng: Rng, base: Rgb, size: number, kinds: readonly PatternKind[]): Texture {
  const kind = rng.pick(kinds);
  const other = mix(base, randomColour(rng), rng.uniform(0.25, 0.6));
  const angle = rng.uniform(0, Math.PI);
  const [ca, sa] = [detCos(angle), detSin(angle)];
  const seed = rng.int(0, 0x7fffffff);
  const period = Math.max(3, size * rng.uniform(0.08, 0.3));
  switch (kind) {
    case 'solid':
      return () => base;
    case 'stripes':
      return (x, y) => {
        const u = (x * ca + y * sa) / period;
        return u - Math.floor(u) < 0.5 ? base : other;
      };
    case 'checks':
      return (x, y) => {
        const u = Math.floor((x * ca + y * sa) / period);
        const v = Math.floor((-x * sa + y * ca) / period);
        return (u + v) % 2 === 0 ? base : other;
      };
    case 'noise':
      return (x, y) => mix(base, other, fractalNoise(seed, x, y, period * 1.5));
    case 'gradient':
      return (x, y) => {
        const u = (x * ca + y * sa) / (size * 1.5);
        return mix(base, other, u - Math.floor(u));
      };
  }
}

/** Fills `data` (RGB, width×height) with a random textured background. */
export function paintBackground(rng: Rng, data: Uint8Array, width: number, height: number): void {
  const size = Math.max(width, height);
  const kind = rng.pick(['gradient', 'stripes', 'noise', 'checks', 'horizon'] as const);
  // Muted colours: objects should stand out on average, but not always.
  const a = randomColour(rng, [0.1, 0.7], [0.25, 0.9]);
  const b = randomColour(rng, [0.1, 0.7], [0.25, 0.9]);
  let texture: Texture;
  if (kind === 'horizon') {
    const horizon = height * rng.uniform(0.25, 0.7);
    const sky = [a, mix(a, [255, 255, 255], 0.5)] as const;
    const ground = randomTexture(rng, b, size * 0.4, ['noise', 'stripes', 'gradient']);
    texture = (x, y) => (y < horizon ? mix(sky[0], sky[1], y / horizon) : ground(x, y));
  } else if (kind === 'gradient') {
    const angle = rng.uniform(0, 2 * Math.PI);
    const [ca, sa] = [detCos(angle), detSin(angle)];
    texture = (x, y) => mix(a, b, Math.min(1, Math.max(0, 0.5 + ((x - width / 2) * ca + (y - height / 2) * sa) / size)));
  } else {
    texture = randomTexture(rng, a, size * rng.uniform(0.3, 1.2), [kind]);
  }
  const grainSeed = rng.int(0, 0x7fffffff);
  const grain = rng.uniform(0, 24);
  const blotchSeed = rng.int(0, 0x7fffffff);
  const blotch = rng.uniform(0, 0.35);
  const blotchCell = size * rng.uniform(0.1, 0.3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = texture(x, y);
      // Low-frequency brightness blotches and per-pixel grain, so backgrounds are never flat.
      const k = 1 - blotch + 2 * blotch * valueNoise(blotchSeed, x, y, blotchCell);
      const g = (hash2(grainSeed, x, y) - 0.5) * grain;
      const i = (y * width + x) * 3;
      data[i] = clampByte(c[0] * k + g);
      data[i + 1] = clampByte(c[1] * k + g);
      data[i + 2] = clampByte(c[2] * k + g);
    }
  }
}

/** Rounds and clamps to a byte. */
export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
