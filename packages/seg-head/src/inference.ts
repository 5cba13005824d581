import * as tf from '@tensorflow/tfjs-core';
import type { NetworkRunner } from '@hrnetjs/core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import type { SegNetwork } from './seg-network.js';

/** Options of {@link inference}. */
export interface InferenceOptions {
  flip: boolean;
  alignCorners: boolean;
  /** Classes swapped in the flipped prediction (LIP left/right parts). */
  flipPairs?: ReadonlyArray<readonly [number, number]>;
  /**
   * Which named output of an engine's network runner is the prediction ({@link inferenceWith}):
   * default `logits`; an HRNet-OCR model's `testOutput` (`aux` for TEST.OUTPUT_INDEX 0).
   */
  output?: string;
}

function swapPermutation(numClasses: number, pairs: ReadonlyArray<readonly [number, number]>): number[] {
  const perm = Array.from({ length: numClasses }, (_, i) => i);
  for (const [a, b] of pairs) [perm[a], perm[b]] = [b, a];
  return perm;
}

/**
 * `BaseDataset.inference` (LIP's when flipPairs are given): logits upsampled bilinearly to the
 * input's H×W; with flip, the logits of the W-mirrored input are upsampled, mirrored back (and
 * class pairs swapped) and averaged with them; returns exp of the result (not softmax).
 * x: normalised NHWC [1, h, w, 3] → [1, h, w, classes]. The caller owns the result.
 */
export function inference(model: SegNetwork, x: tf.Tensor4D, options: InferenceOptions): tf.Tensor4D {
  const [, height, width] = x.shape;
  return tf.tidy(() => {
    let pred = resizeBilinearLikeTorch(model.predict(x), height, width, options.alignCorners);
    if (options.flip) {
      let flipped = resizeBilinearLikeTorch(model.predict(tf.reverse(x, 2)), height, width, options.alignCorners);
      if (options.flipPairs?.length) {
        flipped = tf.gather(flipped, swapPermutation(flipped.shape[3], options.flipPairs), 3);
      }
      pred = tf.mul(tf.add(pred, tf.reverse(flipped, 2)), 0.5);
    }
    return tf.exp(pred);
  });
}

/**
 * {@link inference} with the network run by an engine (e.g. onnxruntime): the image and, with flip,
 * its mirror go through ONE network call as a batch of two; the rest is the same.
 */
export async function inferenceWith(network: NetworkRunner, x: tf.Tensor4D, options: InferenceOptions): Promise<tf.Tensor4D> {
  const [, height, width] = x.shape;
  const batch = options.flip ? tf.tidy(() => tf.concat([x, tf.reverse(x, 2)], 0)) : x;
  let outputs: Record<string, tf.Tensor>;
  try {
    outputs = await network(batch);
  } finally {
    if (batch !== x) batch.dispose();
  }
  try {
    const name = options.output ?? 'logits';
    const logits = outputs[name] as tf.Tensor4D | undefined;
    if (!logits) throw new Error(`the network gave no '${name}' output (got ${Object.keys(outputs).join(', ')})`);
    return tf.tidy(() => {
      const [, h, w, c] = logits.shape;
      let pred = resizeBilinearLikeTorch(tf.slice(logits, [0, 0, 0, 0], [1, h, w, c]), height, width, options.alignCorners);
      if (options.flip) {
        let flipped = resizeBilinearLikeTorch(tf.slice(logits, [1, 0, 0, 0], [1, h, w, c]), height, width, options.alignCorners);
        if (options.flipPairs?.length) flipped = tf.gather(flipped, swapPermutation(c, options.flipPairs), 3);
        pred = tf.mul(tf.add(pred, tf.reverse(flipped, 2)), 0.5);
      }
      return tf.exp(pred);
    });
  } finally {
    tf.dispose(Object.values(outputs));
  }
}
