import * as tf from '@tensorflow/tfjs-core';
import { type ImageInput, type RgbImage, toRgbImage } from '@hrnetjs/core';
import type { Palette } from './datasets/palette.js';
import { inputTensor } from './input-transform.js';
import { multiScaleInference } from './multi-scale-inference.js';
import type { SegModel } from './seg-model.js';
import { resolveSegSettings, type SegmentOptions, type SegTestSettings } from './seg-settings.js';

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
 * Semantic segmentation of one image (any {@link ImageInput}) as the official test code does it: `input_transform`
 * (RGB ÷ 255, − mean, ÷ std), `multi_scale_inference` over the configured scales (flip, sliding
 * windows, exp'd predictions summed), argmax. Settings come from the model config's official yaml
 * (TEST.*, DATASET.DATASET) or preset, overridden by `options`. Any image size works.
 */
export async function segment(model: SegModel, input: ImageInput, options: SegmentOptions = {}): Promise<SegmentResult> {
  const image = await toRgbImage(input);
  const settings = resolveSegSettings(model.config, options);
  const x = inputTensor(image, settings.mean, settings.std);
  let pred: tf.Tensor4D | null = null;
  let labelTensor: tf.Tensor | null = null;
  try {
    pred = await multiScaleInference(model, x, options.network ? { ...settings, network: options.network } : settings);
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
