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

  it.each([
    ['Adam', () => new Adam(0.1)],
    ['SGD + momentum', () => new SGD(0.1, { momentum: 0.9 })],
  ] as const)('%s: exported state resumes exactly where an uninterrupted run would be', (_, make) => {
    const target = tf.tensor1d([0.5, 0.5]);
    const grad = (w: tf.Variable) => tf.tidy(() => tf.mul(tf.sub(w, target), 2));
    const stepOnce = (opt: Adam | SGD, w: tf.Variable) => {
      const g = grad(w);
      opt.step({ [w.name]: g }, [w]);
      g.dispose();
    };
    // Uninterrupted: 5 steps.
    const straight = make();
    const w1 = tf.variable(tf.tensor1d([1, -2]));
    for (let i = 0; i < 5; i++) stepOnce(straight, w1);
    // Interrupted after 2: export, new optimizer + new variable, import, 3 more.
    const first = make();
    const w2 = tf.variable(tf.tensor1d([1, -2]));
    for (let i = 0; i < 2; i++) stepOnce(first, w2);
    const saved = first.exportState([w2]);
    expect(saved.steps).toBe(2);
    const resumed = make();
    const w3 = tf.variable(tf.tensor1d(w2.dataSync() as Float32Array));
    resumed.importState([w3], saved);
    for (let i = 0; i < 3; i++) stepOnce(resumed, w3);
    const want = Array.from(w1.dataSync());
    Array.from(w3.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    // A fresh optimizer (no import) ends elsewhere: the state matters.
    const fresh = make();
    const w4 = tf.variable(tf.tensor1d(w2.dataSync() as Float32Array));
    for (let i = 0; i < 3; i++) stepOnce(fresh, w4);
    expect(Math.abs(w4.dataSync()[0] - want[0])).toBeGreaterThan(1e-3);
    expect(() => make().importState([tf.variable(tf.zeros([3]))], saved)).toThrow(/slot '0.0' has shape \[2\] but variable 0 has shape \[3\]/);
    tf.dispose([target, w1, w2, w3, w4]);
    [straight, first, resumed, fresh].forEach((o) => o.dispose());
  });
});
