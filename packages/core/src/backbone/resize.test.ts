import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinearLikeTorch, upsampleNearest } from './resize.js';

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
