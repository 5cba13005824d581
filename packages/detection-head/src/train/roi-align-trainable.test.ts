import * as tf from '@tensorflow/tfjs-core';
import { enableTraining } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractRoiFeatures, type RoIExtractorConfig } from '../roi-extractor.js';
import { applyRoIAlignPlan, extractRoiFeaturesTrainable, roiAlignPlan } from './roi-align-trainable.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

const config: RoIExtractorConfig = { outputSize: 3, samplingRatio: 0, aligned: true, outChannels: 2, featmapStrides: [4, 8], finestScale: 8 };

function randomLevels(seed: number): { host: Float32Array[]; shapes: [number, number, number, number][] } {
  const random = createRandom(seed);
  const shapes: [number, number, number, number][] = [
    [2, 12, 10, 2],
    [2, 6, 5, 2],
  ];
  return { host: shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => random() * 2 - 1)), shapes };
}

describe('differentiable RoIAlign (gather / scatterND plan)', () => {
  it('equals the host roiAlign of the inference path, image by image and level by level', () => {
    const { host, shapes } = randomLevels(7);
    // Batch index, x1, y1, x2, y2: small boxes go to level 0, large ones to level 1, some cross the border.
    const rois = Float32Array.from([0, 3, 2, 13, 9, 1, 0, 0, 30, 40, 1, -6, 10, 20, 47, 0, 20.5, 30.25, 39, 47.5, 1, 5, 5, 6, 6]);
    const n = rois.length / 5;
    const levels = shapes.map((s, i) => tf.tensor4d(host[i], s));
    const out = extractRoiFeaturesTrainable(levels, rois, config);
    expect(out.shape).toEqual([n, 2 * 9]);
    const got = out.dataSync();
    for (let i = 0; i < n; i++) {
      const b = rois[5 * i];
      const features = shapes.map(([, h, w, c], l) => ({ data: host[l].subarray(b * h * w * c, (b + 1) * h * w * c), height: h, width: w, channels: c }));
      const expected = extractRoiFeatures(features, rois.slice(5 * i + 1, 5 * i + 5), config);
      for (let k = 0; k < expected.length; k++) expect(got[i * 18 + k]).toBeCloseTo(expected[k], 5);
    }
    tf.dispose([...levels, out]);
  });

  it('its gradient is the transpose of the map: ⟨plan(x), r⟩ = ⟨x, planᵀ(r)⟩, and matches finite differences', () => {
    const random = createRandom(3);
    const rows = 30;
    const x = tf.tensor2d(Float32Array.from({ length: rows * 2 }, () => random()), [rows, 2]);
    const plan = roiAlignPlan(Float32Array.from([2, 1, 17, 19]), [{ offset: 0, height: 6, width: 5 }], { outputSize: 2, spatialScale: 0.25, samplingRatio: 0, aligned: true });
    const r = tf.tensor2d(Float32Array.from({ length: plan.numOut * 2 }, () => random() - 0.5), [plan.numOut, 2]);
    const f = (t: tf.Tensor2D) => tf.sum(tf.mul(applyRoIAlignPlan(t, plan), r)) as tf.Scalar;
    const grad = tf.grad((t: tf.Tensor) => f(t as tf.Tensor2D))(x);
    const g = grad.dataSync();
    const base = f(x).dataSync()[0];
    const xs = x.dataSync();
    for (const k of [0, 7, 13, 22, 41]) {
      const bumped = Float32Array.from(xs);
      bumped[k] += 1e-2;
      const t = tf.tensor2d(bumped, [rows, 2]);
      // f is linear in x, so the finite difference is exact up to float rounding.
      expect((f(t).dataSync()[0] - base) / 1e-2).toBeCloseTo(g[k], 2);
      t.dispose();
    }
    // Every output bin averages bilinear weights that sum to 1 inside the map.
    const perBin = new Float64Array(plan.numOut);
    plan.dst.forEach((d, k) => (perBin[d] += plan.weights[k]));
    for (const s of perBin) expect(s).toBeCloseTo(1, 5);
    tf.dispose([x, r, grad]);
  });

  it('names a bad batch index', () => {
    const levels = randomLevels(1).shapes.map((s) => tf.zeros(s) as tf.Tensor4D);
    expect(() => extractRoiFeaturesTrainable(levels, Float32Array.from([2, 0, 0, 8, 8]), config)).toThrow(/batch index 2, the batch has 2 images/);
    tf.dispose(levels);
  });
});
