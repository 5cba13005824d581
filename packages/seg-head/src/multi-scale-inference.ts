import * as tf from '@tensorflow/tfjs-core';
import type { NetworkRunner } from '@hrnetjs/core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import type { MultiScaleMode } from './datasets/seg-datasets.js';
import { inference, inferenceWith } from './inference.js';
import type { SegNetwork } from './seg-network.js';
import { scaledSize, slidingWindows } from './sliding-window.js';

/** Settings of {@link multiScaleInference} (see `resolveSegSettings`). */
export interface MultiScaleOptions {
  scales: readonly number[];
  flip: boolean;
  baseSize: number;
  /** [height, width]. */
  cropSize: [number, number];
  alignCorners: boolean;
  multiScaleMode: MultiScaleMode;
  flipPairs?: ReadonlyArray<readonly [number, number]>;
  /** Normalisation, for the pad value −mean/std of the 'base' mode. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Runs the network instead of TF.js (e.g. `onnxRunner(session)`); the image and its flip share one call. */
  network?: NetworkRunner;
}

/**
 * `inference` on TF.js, or through the engine's network runner when one is set (reading the output
 * `model.predict` gives: HRNet-OCR's `testOutput`, else `logits`).
 */
function runInference(model: SegNetwork, x: tf.Tensor4D, options: MultiScaleOptions): Promise<tf.Tensor4D> {
  if (!options.network) return Promise.resolve(inference(model, x, options));
  return inferenceWith(options.network, x, { ...options, output: 'testOutput' in model ? model.testOutput : 'logits' });
}

/** `pad_image`: pads bottom/right up to the crop size with the per-channel value −mean/std. */
function padToCrop(x: tf.Tensor4D, [cropH, cropW]: [number, number], padValue: number[]): tf.Tensor4D {
  const [, h, w] = x.shape;
  const padH = Math.max(cropH - h, 0);
  const padW = Math.max(cropW - w, 0);
  if (padH === 0 && padW === 0) return x;
  return tf.tidy(() => {
    const paddings: Array<[number, number]> = [[0, 0], [0, padH], [0, padW], [0, 0]];
    // x padded with 0 plus (1 − mask)·value: exact values inside and exactly `value` outside.
    const outside = tf.sub(1, tf.pad(tf.ones([1, h, w, 1]), paddings));
    return tf.add(tf.pad(x, paddings), tf.mul(outside, tf.tensor4d(padValue, [1, 1, 1, 3])));
  });
}

/** Runs `inference` on windows of the scaled image and averages overlaps with a count map (float32, like the official buffers). */
async function slidingWindowInference(model: SegNetwork, img: tf.Tensor4D, options: MultiScaleOptions, padValue: number[]): Promise<tf.Tensor4D> {
  const [, height, width] = img.shape;
  let classes = 0;
  let preds: Float32Array | null = null;
  const count = new Float32Array(height * width);
  for (const { h0, h1, w0, w1 } of slidingWindows(height, width, options.cropSize, options.multiScaleMode)) {
    const h = h1 - h0;
    const w = w1 - w0;
    const crop = tf.tidy(() => {
      const window = tf.slice(img, [0, h0, w0, 0], [1, h, w, 3]);
      return options.multiScaleMode === 'base' ? padToCrop(window, options.cropSize, padValue) : window;
    });
    const out = await runInference(model, crop, options).finally(() => crop.dispose());
    const pred = tf.tidy(() => tf.slice(out, [0, 0, 0, 0], [1, h, w, out.shape[3]]));
    out.dispose();
    const values = (await pred.data()) as Float32Array;
    classes = pred.shape[3];
    pred.dispose();
    preds ??= new Float32Array(height * width * classes);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = (h0 + y) * width + (w0 + x);
        count[p] += 1;
        const src = (y * w + x) * classes;
        const dst = p * classes;
        for (let c = 0; c < classes; c++) preds[dst + c] += values[src + c];
      }
    }
  }
  const sum = preds as Float32Array;
  for (let p = 0; p < count.length; p++) {
    for (let c = 0; c < classes; c++) sum[p * classes + c] /= count[p];
  }
  return tf.tensor4d(sum, [1, height, width, classes]);
}

/** The exp'd prediction of one scaled image (before resizing back to the original size). */
async function predictScale(model: SegNetwork, img: tf.Tensor4D, scale: number, options: MultiScaleOptions, padValue: number[]): Promise<tf.Tensor4D> {
  const [, height, width] = img.shape;
  if (options.multiScaleMode === 'cityscapes') {
    // Cityscapes.multi_scale_inference: the whole image for scale ≤ 1, whatever its size.
    if (scale <= 1) return runInference(model, img, options);
  } else if (Math.max(height, width) <= Math.min(...options.cropSize)) {
    const padded = padToCrop(img, options.cropSize, padValue);
    const out = await runInference(model, padded, options).finally(() => padded !== img && padded.dispose());
    const pred = tf.tidy(() => tf.slice(out, [0, 0, 0, 0], [1, height, width, out.shape[3]]));
    out.dispose();
    return pred;
  }
  return slidingWindowInference(model, img, options, padValue);
}

/**
 * `multi_scale_inference` (Cityscapes override or BaseDataset's, by `multiScaleMode`): for each
 * scale the normalised image is resized (cv2 INTER_LINEAR on floats = half-pixel bilinear) so its
 * long side is int(base·scale + 0.5), predicted (exp of the flip-averaged logits), resized back to
 * H×W (bilinear, `alignCorners`) and SUMMED over scales. x: normalised [1, H, W, 3] →
 * [1, H, W, classes]; the caller owns the result.
 */
export async function multiScaleInference(model: SegNetwork, x: tf.Tensor4D, options: MultiScaleOptions): Promise<tf.Tensor4D> {
  const [batch, height, width, channels] = x.shape;
  if (batch !== 1 || channels !== 3) {
    throw new Error(`multiScaleInference takes one normalised image [1, H, W, 3], got [${x.shape.join(', ')}]`);
  }
  if (options.scales.length === 0) throw new Error('multiScaleInference needs at least one scale');
  const padValue = [0, 1, 2].map((c) => Math.fround(-options.mean[c] / options.std[c]));
  let finalPred: tf.Tensor4D | null = null;
  for (const scale of options.scales) {
    const [newH, newW] = scaledSize(height, width, options.baseSize, scale);
    const img = resizeBilinearLikeTorch(x, newH, newW, false);
    let preds: tf.Tensor4D;
    try {
      preds = await predictScale(model, img, scale, options, padValue);
    } finally {
      if (img !== x) img.dispose();
    }
    const previous: tf.Tensor4D | null = finalPred;
    finalPred = tf.tidy(() => {
      const back = resizeBilinearLikeTorch(preds, height, width, options.alignCorners);
      return (previous ? tf.add(previous, back) : tf.clone(back)) as tf.Tensor4D;
    });
    preds.dispose();
    previous?.dispose();
  }
  return finalPred as tf.Tensor4D;
}
