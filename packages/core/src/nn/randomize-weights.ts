import type { Module } from '../nn/module.js';

/**
 * Fills every entry of a model with seeded random values (BN statistics and biases included, variances
 * positive): a stand-in for trained weights in parity tests and benchmarks.
 */
export function randomizeWeights(model: Module, seed = 1): void {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (const e of model.boundEntries()) {
    if (e.kind === 'counter') continue;
    const n = e.shape.reduce((a, b) => a * b, 1);
    const fanIn = e.shape.length > 1 ? n / e.shape[0] : 1;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = next() * 2 - 1;
      values[i] = e.name === 'running_var' ? 0.5 + next() : e.name === 'weight' && e.shape.length > 1 ? u * Math.sqrt(3 / fanIn) : u * 0.5;
    }
    e.owner.setValue(e.name, values);
  }
}

