import { describe, expect, it } from 'vitest';
import { MMDET_TRAIN_PIPELINE, collateSamples, prepareTrainSample, validGroundTruth } from './train-pipeline.js';

// A 40×20 image: left half red, right half blue.
const image = {
  width: 40,
  height: 20,
  data: Uint8Array.from({ length: 40 * 20 * 3 }, (_, i) => {
    const x = Math.floor(i / 3) % 40;
    return (i % 3 === 0 && x < 20) || (i % 3 === 2 && x >= 20) ? 255 : 0;
  }),
};
const config = { ...MMDET_TRAIN_PIPELINE, imgScale: [80, 40] as [number, number], flipRatio: 0 };

describe('detector train pipeline (mmdet Resize → RandomFlip → Normalize → Pad)', () => {
  it('keeps valid boxes only and refuses malformed ones', () => {
    const gt = validGroundTruth({ image, boxes: [[2, 2, 10, 10], [5, 5, 5.5, 9], [50, 0, 60, 10]], labels: [1, 0, 2] }, 3);
    expect(Array.from(gt.boxes)).toEqual([2, 2, 10, 10]);
    expect(Array.from(gt.labels)).toEqual([1]);
    expect(() => validGroundTruth({ image, boxes: [[2, 2, 10, 10]], labels: [3] }, 3)).toThrow(/label 0 is 3; expected an integer class index in \[0, 3\)/);
    expect(() => validGroundTruth({ image, boxes: [[10, 2, 2, 10]], labels: [0] }, 3)).toThrow(/x2 ≥ x1/);
    expect(() => validGroundTruth({ image, boxes: [], labels: [0] }, 3)).toThrow(/0 boxes but 1 labels/);
  });

  it('resizes ×2 with boxes scaled, pads to 32, flips image and boxes around the resized width', () => {
    const gt = validGroundTruth({ image, boxes: [[2, 2, 10, 10]], labels: [1] }, 3);
    const plain = prepareTrainSample(image, gt, config, () => 0.9);
    expect(plain.shape).toEqual([64, 96]);
    expect(plain.meta.imgShape).toEqual([40, 80]);
    expect(plain.meta.flip).toBe(false);
    expect(Array.from(plain.gtBboxes)).toEqual([4, 4, 20, 20]);
    const flipped = prepareTrainSample(image, gt, { ...config, flipRatio: 0.5 }, () => 0.1);
    expect(flipped.meta.flip).toBe(true);
    expect(Array.from(flipped.gtBboxes)).toEqual([60, 4, 76, 20]);
    // Pixel (y, x) of the flip is pixel (y, 79 − x) of the plain one; padding stays zero.
    for (const [y, x] of [[0, 0], [5, 30], [39, 79]]) {
      for (let c = 0; c < 3; c++) expect(flipped.data[(y * 96 + x) * 3 + c]).toBe(plain.data[(y * 96 + 79 - x) * 3 + c]);
    }
    expect(flipped.data[(10 * 96 + 85) * 3]).toBe(0);
    expect(plain.data[0]).toBeCloseTo((255 - 123.675) / 58.395, 5);
  });

  it('collate pads each sample to the largest in the batch', () => {
    const gt = validGroundTruth({ image, boxes: [[2, 2, 10, 10]], labels: [1] }, 3);
    const a = prepareTrainSample(image, gt, config, () => 0.9);
    const b = prepareTrainSample(image, gt, { ...config, imgScale: [40, 20] }, () => 0.9);
    const batch = collateSamples([a, b]);
    expect(batch.shape).toEqual([2, 64, 96, 3]);
    expect(batch.data[((64 + 3) * 96 + 5) * 3 + 1]).toBe(b.data[(3 * 32 + 5) * 3 + 1]);
    expect(batch.data[((64 + 40) * 96 + 50) * 3]).toBe(0);
  });
});
