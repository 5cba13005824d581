import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelConfig, type RgbImage } from '@hrnetjs/core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import { readCheckpointFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { inference } from './inference.js';
import { inputTensor } from './input-transform.js';
import { SegModel } from './seg-model.js';
import { segment } from './segment.js';

/** Deterministic pseudo-random bytes (LCG), so the images are reproducible. */
function randomImage(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height };
}

/** cv2.resize INTER_LINEAR restated: src = (dst + 0.5)·in/out − 0.5, floor, weights, clamp to the border. */
function cv2ResizeLinear(src: Float32Array, h: number, w: number, c: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(oh * ow * c);
  const axis = (d: number, n: number, on: number): [number, number, number] => {
    let f = (d + 0.5) * (n / on) - 0.5;
    let i = Math.floor(f);
    f -= i;
    if (i < 0) [i, f] = [0, 0];
    if (i >= n - 1) [i, f] = [n - 1, 0];
    return [i, Math.min(i + 1, n - 1), f];
  };
  for (let y = 0; y < oh; y++) {
    const [y0, y1, fy] = axis(y, h, oh);
    for (let x = 0; x < ow; x++) {
      const [x0, x1, fx] = axis(x, w, ow);
      for (let k = 0; k < c; k++) {
        const v = (yy: number, xx: number) => src[(yy * w + xx) * c + k];
        out[(y * ow + x) * c + k] =
          (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1));
      }
    }
  }
  return out;
}

describe('segment() on any image size (wasm)', () => {
  let model: SegModel;
  beforeAll(async () => {
    await useBackend('wasm');
    model = new SegModel(parseModelConfig(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8')));
    model.load((await readCheckpointFile(fixturePath('seg', 'seg_tiny.pth'))).stateDict);
  });

  it('TF half-pixel bilinear equals the cv2 INTER_LINEAR formula on float images (up, down, 2× down, odd ratios)', () => {
    const [h, w] = [23, 37];
    const src = new Float32Array(h * w * 3).map((_, i) => Math.sin(i * 0.37) * 3);
    const x = tf.tensor4d(src, [1, h, w, 3]);
    for (const [oh, ow] of [[29, 46], [12, 19], [11, 18], [46, 74], [7, 50]]) {
      const ours = resizeBilinearLikeTorch(x, oh, ow, false);
      const expected = cv2ResizeLinear(src, h, w, 3, oh, ow);
      const actual = ours.dataSync();
      const maxAbs = expected.reduce((m, e, i) => Math.max(m, Math.abs(e - actual[i])), 0);
      // Values span ±3 and neighbours differ by up to ~6: float32 source coordinates alone account for ~1e-5.
      expect(maxAbs, `${oh}×${ow}`).toBeLessThan(3e-5);
      ours.dispose();
    }
    x.dispose();
  });

  it('an odd-size image (301×187) with multi-scale, flip and sliding windows gives a full, finite map', async () => {
    const image = randomImage(301, 187, 7);
    const r = await segment(model, image, { scales: [0.75, 1, 1.5], flip: true, baseSize: 301, cropSize: [128, 160], returnScores: true });
    expect([r.width, r.height, r.labels.length]).toEqual([301, 187, 301 * 187]);
    expect(r.scores).toHaveLength(301 * 187 * 19);
    expect((r.scores as Float32Array).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(r.labels.every((l) => l >= 0 && l < 19)).toBe(true);
    // Summing 3 exp maps: every score is at least the smallest single-map value, so argmax agrees with scores.
    const p = 1234;
    const row = Array.from((r.scores as Float32Array).subarray(p * 19, p * 19 + 19));
    expect(r.labels[p]).toBe(row.indexOf(Math.max(...row)));
  });

  it('single scale on an odd size equals exp(upsampled logits) of the model itself', async () => {
    const image = randomImage(97, 61, 11);
    const r = await segment(model, image, { scales: [1], flip: false, baseSize: 97, returnScores: true });
    const direct = tf.tidy(() => {
      const x = inputTensor(image, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
      return tf.exp(resizeBilinearLikeTorch(model.predict(x), 61, 97, false));
    });
    const expected = direct.dataSync() as Float32Array;
    const scores = r.scores as Float32Array;
    const worst = expected.reduce((m, e, i) => Math.max(m, Math.abs(scores[i] - e) / e), 0);
    expect(worst).toBeLessThan(1e-6);
    direct.dispose();
  });

  it('100 segment() calls keep tf.memory().numTensors constant', async () => {
    const image = randomImage(45, 33, 3);
    const options = { scales: [0.75, 1.5], flip: true, baseSize: 45, cropSize: [24, 32] as [number, number] };
    await segment(model, image, options);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await segment(model, image, { ...options, multiScaleMode: i % 2 ? 'base' : 'cityscapes' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('inference() flip averaging and LIP class swapping (hand-checkable)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  // A stand-in "model" whose logits are its input: flip-back must undo the mirror exactly.
  const identity = { predict: (x: tf.Tensor4D) => tf.clone(x) } as unknown as SegModel;
  const x = () => tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 2, 2, 3]);

  it('flip without pairs gives exp(logits)', () => {
    const input = x();
    const out = inference(identity, input, { flip: true, alignCorners: false });
    expect(Array.from(out.dataSync())).toEqual(Array.from(input.dataSync(), (v) => Math.fround(Math.exp(v))));
    tf.dispose([input, out]);
  });

  it('flip with pair [0, 1] averages class 0 with class 1 of the flipped prediction', () => {
    const input = x();
    const out = inference(identity, input, { flip: true, alignCorners: false, flipPairs: [[0, 1]] });
    const v = out.dataSync();
    // pixel 0 = [0, 1, 2] → classes 0 and 1 both exp((0 + 1) / 2), class 2 exp(2).
    expect(v[0]).toBeCloseTo(Math.exp(0.5), 5);
    expect(v[1]).toBeCloseTo(Math.exp(0.5), 5);
    expect(v[2]).toBeCloseTo(Math.exp(2), 5);
    tf.dispose([input, out]);
  });
});
