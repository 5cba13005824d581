/**
 * Deterministic initial values for entries no checkpoint provided (non-strict loads, training
 * from scratch). Seeded so two runs build identical models.
 */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // mulberry32: small, fast, good enough for weight init.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let nextSeed = 12345;

/** Kaiming-normal (fan_in, ReLU gain) values, as torchvision / HRNet `init_weights` use. */
export function kaimingNormal(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.length > 1 ? n / shape[0] : 1;
  const std = Math.sqrt(2 / fanIn);
  const random = createRandom(nextSeed++);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller gives two normals per draw.
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** A filled array. */
export function filled(shape: number[], value: number): Float32Array {
  return new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
}

/** Fisher–Yates permutation of 0…n−1 drawn from `random` (seeded: the training loops' epoch order). */
export function shuffledIndices(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
