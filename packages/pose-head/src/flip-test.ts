import * as tf from '@tensorflow/tfjs-core';
import type { NetworkRunner } from '@hrnetjs/core';
import type { PoseModel } from './pose-model.js';

/** Channel permutation that swaps each left/right pair (identity elsewhere). */
function swapIndices(numJoints: number, flipPairs: ReadonlyArray<readonly [number, number]>): number[] {
  const index = Array.from({ length: numJoints }, (_, i) => i);
  for (const [a, b] of flipPairs) {
    if (!(a >= 0 && a < numJoints && b >= 0 && b < numJoints)) {
      throw new Error(`flip pair [${a}, ${b}] is out of range for ${numJoints} joints`);
    }
    index[a] = b;
    index[b] = a;
  }
  return index;
}

/**
 * Official `flip_back` on NHWC heatmaps: mirror along the width, then swap the left/right joint
 * channels.
 */
export function flipBack(heatmaps: tf.Tensor4D, flipPairs: ReadonlyArray<readonly [number, number]>): tf.Tensor4D {
  return tf.tidy(() => {
    const mirrored = tf.reverse(heatmaps, 2);
    const index = tf.tensor1d(swapIndices(heatmaps.shape[3], flipPairs), 'int32');
    return tf.gather(mirrored, index, 3) as tf.Tensor4D;
  });
}

/**
 * SHIFT_HEATMAP: `out[..., 1:] = out[..., :-1]` — every column moves right by one and column 0
 * keeps its own value (it is not zeroed).
 */
export function shiftHeatmap(heatmaps: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, j] = heatmaps.shape;
    if (w < 2) return tf.clone(heatmaps);
    const first = tf.slice(heatmaps, [0, 0, 0, 0], [n, h, 1, j]);
    const rest = tf.slice(heatmaps, [0, 0, 0, 0], [n, h, w - 1, j]);
    return tf.concat([first, rest], 2) as tf.Tensor4D;
  });
}

/** Options of {@link inferHeatmaps}. */
export interface HeatmapInferenceOptions {
  flipTest: boolean;
  shiftHeatmap: boolean;
  flipPairs: ReadonlyArray<readonly [number, number]>;
}

/**
 * Heatmaps of a normalised NHWC batch as the official `validate`: the plain output, or with the flip
 * test the average of it and the flipped-back output of the width-mirrored input (shifted first if
 * `shiftHeatmap`). Returns NHWC [N, H/4, W/4, joints]; the caller disposes it.
 */
export function inferHeatmaps(model: PoseModel, input: tf.Tensor4D, options: HeatmapInferenceOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const output = model.predict(input);
    if (!options.flipTest) return output;
    let flipped = flipBack(model.predict(tf.reverse(input, 2)), options.flipPairs);
    if (options.shiftHeatmap) flipped = shiftHeatmap(flipped);
    return tf.mul(tf.add(output, flipped), 0.5) as tf.Tensor4D;
  });
}

/**
 * {@link inferHeatmaps} through an engine's network runner (e.g. onnxruntime): the batch and, with
 * the flip test, its mirrored copy go through ONE network call; the averaging is the same.
 */
export async function inferHeatmapsWith(network: NetworkRunner, input: tf.Tensor4D, options: HeatmapInferenceOptions): Promise<tf.Tensor4D> {
  const n = input.shape[0];
  const batch = options.flipTest ? tf.tidy(() => tf.concat([input, tf.reverse(input, 2)], 0)) : input;
  let outputs: Record<string, tf.Tensor>;
  try {
    outputs = await network(batch);
  } finally {
    if (batch !== input) batch.dispose();
  }
  const heatmaps = outputs.heatmaps as tf.Tensor4D | undefined;
  try {
    if (!heatmaps) throw new Error(`the network gave no 'heatmaps' output (got ${Object.keys(outputs).join(', ')})`);
    return tf.tidy(() => {
      if (!options.flipTest) return tf.clone(heatmaps);
      const [, h, w, j] = heatmaps.shape;
      const output = tf.slice(heatmaps, [0, 0, 0, 0], [n, h, w, j]);
      let flipped = flipBack(tf.slice(heatmaps, [n, 0, 0, 0], [n, h, w, j]), options.flipPairs);
      if (options.shiftHeatmap) flipped = shiftHeatmap(flipped);
      return tf.mul(tf.add(output, flipped), 0.5) as tf.Tensor4D;
    });
  } finally {
    tf.dispose(Object.values(outputs));
  }
}
