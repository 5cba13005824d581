import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { prepareTestImage, restorePrediction } from './test-resize.js';

const MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const image = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(200) });

describe('testval resize / pad of the official dataset classes', () => {
  it('short side to the base size, the other int(side·base/short + 0.5), padded to /8 with round(mean·255)', () => {
    const p = prepareTestImage(image(35, 27), { kind: 'short-side', stride: 8, cropPadding: true }, 44, [48, 40], MEAN);
    // 27 → 44, 35 → int(35·44/27 + 0.5) = 57; padded to 48 × 64.
    expect([p.image.height, p.image.width, p.padBottom, p.padRight]).toEqual([48, 64, 4, 7]);
    const last = (p.image.width * p.image.height - 1) * 3;
    expect(Array.from(p.image.data.subarray(last, last + 3))).toEqual([124, 116, 104]); // 123.675, 116.28, 103.53 rounded
    expect(Array.from(p.image.data.subarray(0, 3))).toEqual([200, 200, 200]);
    // Portrait: the width is the short side.
    const q = prepareTestImage(image(20, 50), { kind: 'short-side', stride: 8, cropPadding: false }, 16, [16, 16], MEAN);
    expect([q.image.height, q.image.width, q.padBottom, q.padRight]).toEqual([40, 16, 0, 0]);
  });

  it('LIP: cv2.resize(image, crop_size) reads (h, w) as (width, height); Cityscapes: unchanged', () => {
    const p = prepareTestImage(image(25, 33), { kind: 'crop-size' }, 44, [44, 36], MEAN);
    expect([p.image.width, p.image.height]).toEqual([44, 36]);
    const img = image(5, 3);
    expect(prepareTestImage(img, { kind: 'none' }, 2048, [1024, 2048], MEAN).image).toBe(img);
  });

  it('restorePrediction crops the padding only when the dataset returns it, then resizes to the image', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    // 4×6 prediction whose value is the column index; padding 1 row × 2 columns.
    const pred = tf.tidy(() => tf.tile(tf.reshape(tf.range(0, 6), [1, 1, 6, 1]), [1, 4, 1, 1]) as tf.Tensor4D);
    const prepared = { image: image(6, 4), padBottom: 1, padRight: 2 };
    const cropped = restorePrediction(pred, prepared, { kind: 'short-side', stride: 8, cropPadding: true }, 3, 4, false);
    expect(Array.from(await cropped.data())).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    const kept = restorePrediction(pred, prepared, { kind: 'short-side', stride: 8, cropPadding: false }, 4, 6, false);
    expect(kept).toBe(pred); // ADE20K: the padded prediction as it is (already the target size here)
    tf.dispose([pred, cropped]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
