import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { flipBack, shiftHeatmap } from './flip-test.js';

/** NHWC [1, 1, W, J] from per-joint rows (one heatmap row per joint). */
function rowsToNHWC(rows: number[][]): tf.Tensor4D {
  const w = rows[0].length;
  const j = rows.length;
  const data = new Float32Array(w * j);
  rows.forEach((row, c) => row.forEach((v, x) => (data[x * j + c] = v)));
  return tf.tensor4d(data, [1, 1, w, j]);
}

async function nhwcToRows(t: tf.Tensor4D): Promise<number[][]> {
  const [, , w, j] = t.shape;
  const data = await t.data();
  return Array.from({ length: j }, (_, c) => Array.from({ length: w }, (_, x) => data[x * j + c]));
}

describe('flip test helpers', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('flipBack mirrors along the width and swaps the paired channels', async () => {
    const x = rowsToNHWC([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const y = flipBack(x, [[1, 2]]);
    expect(await nhwcToRows(y)).toEqual([[3, 2, 1], [9, 8, 7], [6, 5, 4]]);
    tf.dispose([x, y]);
    expect(() => flipBack(rowsToNHWC([[1]]), [[0, 3]])).toThrow(/flip pair \[0, 3\] is out of range for 1 joints/);
  });

  it('shiftHeatmap moves columns right by one and column 0 keeps its own value', async () => {
    const x = rowsToNHWC([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const before = tf.memory().numTensors;
    const y = shiftHeatmap(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(await nhwcToRows(y)).toEqual([[1, 1, 2, 3], [5, 5, 6, 7]]);
    tf.dispose([x, y]);
  });
});
