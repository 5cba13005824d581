import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, multiStepLr, polyLr, SGD } from './optimizers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs optimizer steps on f(w) = Σ (w − target)² with hand-computed gradients 2(w − target). */
function run(opt: Adam | SGD, steps: number): number[] {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const target = tf.tensor1d([0.5, 0.5]);
  for (let i = 0; i < steps; i++) {
    const g = tf.mul(tf.sub(w, target), 2);
    opt.step({ [w.name]: g }, [w]);
    g.dispose();
  }
  const out = Array.from(w.dataSync());
  tf.dispose([w, target]);
  opt.dispose();
  return out;
}

describe('optimizers (PyTorch semantics, values worked out by hand)', () => {
  it('Adam: the first step moves every weight by lr against the gradient sign', () => {
    const [a, b] = run(new Adam(0.1), 1);
    expect(a).toBeCloseTo(0.9, 6);
    expect(b).toBeCloseTo(-1.9, 6);
  });

  it('SGD with momentum: v1 = g1, v2 = 0.9·v1 + g2', () => {
    // w0 = 1, g = 2(w − 0.5): g1 = 1 → w1 = 0.9; g2 = 0.8, v2 = 1.7 → w2 = 0.73.
    expect(run(new SGD(0.1, { momentum: 0.9 }), 2)[0]).toBeCloseTo(0.73, 6);
  });

  it('weight decay adds wd·w to the gradient', () => {
    // g1 = 1 + 0.5·1 = 1.5 → w1 = 1 − 0.15.
    expect(run(new SGD(0.1, { weightDecay: 0.5 }), 1)[0]).toBeCloseTo(0.85, 6);
  });

  it('schedules: multi-step ×0.1 at [170, 200] and poly 0.9', () => {
    const lrs = [0, 169, 170, 199, 200, 209].map((e) => multiStepLr(1e-3, [170, 200], 0.1, e));
    [1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5].forEach((want, i) => expect(lrs[i]).toBeCloseTo(want, 15));
    expect(polyLr(0.01, 50, 100)).toBeCloseTo(0.01 * 0.5 ** 0.9, 12);
    expect(polyLr(0.01, 100, 100)).toBe(0);
  });
});
