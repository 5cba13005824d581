import * as tf from '@tensorflow/tfjs-core';
import { type ImageInput, toRgbImage } from '@hrnetjs/core';
import type { Palette } from './datasets/palette.js';
import { inputTensor } from './input-transform.js';
import { multiScaleInference } from './multi-scale-inference.js';
import type { SegNetwork } from './seg-network.js';
import { resolveSegSettings, type SegmentOptions, type SegTestSettings } from './seg-settings.js';
import { prepareTestImage, restorePrediction } from './test-resize.js';

/** What {@link segment} returns. */
export interface SegmentResult {
  /** Class index per pixel, row-major H×W (argmax of the summed prediction, first maximum on ties). */
  labels: Int32Array;
  width: number;
  height: number;
  /** Class names, `classes[label]`. */
  classes: readonly string[];
  /** The dataset palette (for `colorize` / `overlay`). */
  palette: Palette;
  /** The summed multi-scale prediction, H×W×classes row-major (only with `returnScores`). */
  scores?: Float32Array;
  /** The settings it ran with. */
  settings: SegTestSettings;
}

/**
 * Semantic segmentation of one image (any {@link ImageInput}) as the official test code does it: the
 * dataset's testval resize / pad (`settings.testResize`: ADE20K / PASCAL-Context / COCO-Stuff short side
 * to the base size padded to /8, LIP resized to the crop), `input_transform`
 * (RGB ÷ 255, − mean, ÷ std), `multi_scale_inference` over the configured scales (flip, sliding
 * windows, exp'd predictions summed), testval's crop of the padding and resize to the image size, argmax. Settings come from the model config's official yaml
 * (TEST.*, DATASET.DATASET) or preset, overridden by `options`. Any image size works.
 */
export async function segment(model: SegNetwork, input: ImageInput, options: SegmentOptions = {}): Promise<SegmentResult> {
  const image = await toRgbImage(input);
  const settings = resolveSegSettings(model.config, options);
  // The dataset's testval resize / pad (ADE20K, PASCAL-Context, COCO-Stuff, LIP), then back to H×W.
  const prepared = prepareTestImage(image, settings.testResize, settings.baseSize, settings.cropSize, settings.mean);
  const x = inputTensor(prepared.image, settings.mean, settings.std);
  let pred: tf.Tensor4D | null = null;
  let labelTensor: tf.Tensor | null = null;
  try {
    const scaled = await multiScaleInference(model, x, options.network ? { ...settings, network: options.network } : settings);
    pred = restorePrediction(scaled, prepared, settings.testResize, image.height, image.width, settings.alignCorners);
    if (pred !== scaled) scaled.dispose();
    labelTensor = tf.argMax(pred, 3);
    const labels = Int32Array.from((await labelTensor.data()) as Int32Array);
    const result: SegmentResult = {
      labels,
      width: image.width,
      height: image.height,
      classes: settings.classes,
      palette: settings.palette,
      settings,
    };
    if (options.returnScores) result.scores = Float32Array.from((await pred.data()) as Float32Array);
    return result;
  } finally {
    x.dispose();
    pred?.dispose();
    labelTensor?.dispose();
  }
}
