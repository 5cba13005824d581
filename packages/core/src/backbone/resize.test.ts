import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableTraining } from '../train/enable-training.js';
import { bilinearMatrix, resizeBilinearLikeTorch, upsampleNearest } from './resize.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** PyTorch F.interpolate(bilinear) of a 1-D row, written from its definition. */
function torchLinear(row: number[], out: number, alignCorners: boolean): number[] {
  const n = row.length;
  return Array.from({ length: out }, (_, d) => {
    let src = alignCorners ? (out > 1 ? (d * (n - 1)) / (out - 1) : 0) : ((d + 0.5) * n) / out - 0.5;
    src = Math.max(src, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    const t = src - i0;
    return row[i0] * (1 - t) + row[i1] * t;
  });
}

describe('resizeBilinearLikeTorch', () => {
  const row = [1, 4, -2, 7, 3];
  for (const alignCorners of [false, true]) {
    it(`matches PyTorch's formula with align_corners=${alignCorners} (5 → 8 and 5 → 3)`, async () => {
      for (const out of [8, 3]) {
        const x = tf.tensor4d(row, [1, 1, 5, 1]);
        const y = resizeBilinearLikeTorch(x, 1, out, alignCorners);
        const got = Array.from(await y.data());
        const want = torchLinear(row, out, alignCorners);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
        tf.dispose([x, y]);
      }
    });
  }
});

describe('upsampleNearest', () => {
  it('repeats each pixel factor×factor times like nn.Upsample(nearest)', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = upsampleNearest(x, 2);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(await y.data())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    tf.dispose([x, y]);
  });
});

/** The same resize as two matrix products (Ry · x · Rxᵀ per image and channel); autodiff gives its exact transpose. */
function resizeByMatrices(x: tf.Tensor4D, height: number, width: number, alignCorners: boolean): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const ry = tf.tensor2d(bilinearMatrix(height, h, alignCorners), [height, h]);
  const rx = tf.tensor2d(bilinearMatrix(width, w, alignCorners), [width, w]);
  const cols = tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [n * w * c, h]); // [N·W·C, H]
  const alongH = tf.reshape(tf.matMul(cols, ry, false, true), [n, w, c, height]);
  const rows = tf.reshape(tf.transpose(alongH, [0, 3, 2, 1]), [n * height * c, w]);
  const alongW = tf.reshape(tf.matMul(rows, rx, false, true), [n, height, c, width]);
  return tf.transpose(alongW, [0, 1, 3, 2]) as tf.Tensor4D;
}

describe('resizeBilinearLikeTorch gradient', () => {
  it.each([
    [false, 11, 13],
    [true, 11, 13],
    [false, 3, 4], // downsampling
  ])('align_corners=%s to %i×%i: forward as the PyTorch matrices, and its gradient their transpose (TF.js ResizeBilinearGrad differs)', async (alignCorners, height, width) => {
    await enableTraining();
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 5, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const weights = tf.randomNormal([2, height, width, 3], 0, 1, 'float32', 2);
    const ours = tf.tidy(() => resizeBilinearLikeTorch(x, height, width, alignCorners));
    const reference = tf.tidy(() => resizeByMatrices(x, height, width, alignCorners));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0])).toBeLessThan(1e-5);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resizeBilinearLikeTorch(t as tf.Tensor4D, height, width, alignCorners), weights)));
    const gradRef = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resizeByMatrices(t as tf.Tensor4D, height, width, alignCorners), weights)));
    const [g, gRef] = [grad(x), gradRef(x)];
    expect(g.shape).toEqual([2, 5, 7, 3]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g, gRef))).dataSync()[0])).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(gRef)).dataSync()[0])).toBeGreaterThan(0.5);
    tf.dispose([x, weights, ours, reference, g, gRef]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('upsampleNearest gradient', () => {
  it('is the sum over each factor×factor block (TF.js CPU ResizeNearestNeighborGrad differs)', async () => {
    await enableTraining();
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const weights = tf.randomNormal([2, 12, 20, 4], 0, 1, 'float32', 4);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsampleNearest(t as tf.Tensor4D, 4), weights)))(x);
    const w = weights.arraySync() as number[][][][];
    const got = g.arraySync() as number[][][][];
    let worst = 0;
    for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) sum += w[n][4 * i + a][4 * j + b][c];
      worst = Math.max(worst, Math.abs(got[n][i][j][c] - sum));
    }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([x, weights, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
