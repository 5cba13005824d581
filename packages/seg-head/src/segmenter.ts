import { type ImageInput, loadModel, type ModelSource, type NetworkRunner } from '@hrnetjs/core';
import type { MultiScaleMode, SegDatasetId } from './datasets/seg-datasets.js';
import { SEG_BUILDER } from './register.js';
import { OcrSegModel } from './ocr/ocr-seg-model.js';
import { SegModel } from './seg-model.js';
import type { SegNetwork } from './seg-network.js';
import type { SegmentOptions } from './seg-settings.js';
import { segment, type SegmentResult } from './segment.js';

/**
 * Test-time settings of the segmentation task, with the option names every task shares
 * (`flipTest`, sizes as [width, height], `classNames`); each overrides the model config's TEST.*.
 */
export interface SegmenterOptions {
  /** `TEST.SCALE_LIST`: multipliers of the base size. */
  scales?: number[];
  /** `TEST.FLIP_TEST`: average the predictions of the mirrored image. */
  flipTest?: boolean;
  /** `TEST.BASE_SIZE`: long side of the image at scale 1. */
  baseSize?: number;
  /** Crop / sliding-window size [width, height] (as `TEST.IMAGE_SIZE`). */
  cropSize?: [number, number];
  /** Bilinear resizes of the predictions (`MODEL.ALIGN_CORNERS`); default: the model's. */
  alignCorners?: boolean;
  /** Which dataset class's `multi_scale_inference` to follow; default: the dataset's. */
  multiScaleMode?: MultiScaleMode;
  /** Dataset whose classes, palette, flip pairs and mode to use (default: `DATASET.DATASET`). */
  dataset?: SegDatasetId;
  /** Class pairs swapped in the flipped prediction (LIP); default: the dataset's. */
  flipPairs?: ReadonlyArray<readonly [number, number]>;
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
  /** Class names by label (length = number of classes). */
  classNames?: readonly string[];
  /** Runs the network instead of TF.js (e.g. `onnxRunner(session)` over `model.toOnnx()`, or `createEngineRunner` of `@hrnetjs/core/node`). */
  network?: NetworkRunner;
}

/** Per-call options of {@link Segmenter.segment}. */
export interface SegmentCallOptions extends SegmenterOptions {
  /** Also return the summed prediction (H×W×classes floats: large). */
  returnScores?: boolean;
}

function toSegmentOptions(options: SegmentCallOptions): SegmentOptions {
  const { flipTest, cropSize, classNames, ...same } = options;
  const out: SegmentOptions = { ...same };
  if (flipTest !== undefined) out.flip = flipTest;
  if (cropSize !== undefined) {
    if (!Array.isArray(cropSize) || cropSize.length !== 2) throw new Error(`cropSize must be [width, height], got ${JSON.stringify(cropSize)}`);
    out.cropSize = [cropSize[1], cropSize[0]];
  }
  if (classNames !== undefined) out.classes = classNames;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as SegmentOptions;
}

/** The segmentation task: one {@link segment} method (the official single/multi-scale test) and `dispose()`. */
export class Segmenter {
  private readonly defaults: SegmentOptions;

  constructor(
    readonly model: SegNetwork,
    options: SegmenterOptions = {},
  ) {
    this.defaults = toSegmentOptions(options);
  }

  /** Class per pixel of one image (any size), with names and palette. Per-call options win. */
  async segment(image: ImageInput, options: SegmentCallOptions = {}): Promise<SegmentResult> {
    return segment(this.model, image, { ...this.defaults, ...toSegmentOptions(options) });
  }

  /** Frees the network's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The segmentation task in one call: a {@link SegModel} / {@link OcrSegModel} or anything `loadModel` of `@hrnetjs/core`
 * takes (a checkpoint path in Node, its bytes, `{ weights, config }`), plus test-time options.
 *
 * @example
 * const segmenter = await createSegmenter('hrnet_w48_cityscapes_cls19_1024x2048_trainset.pth');
 * const { labels, classes } = await segmenter.segment('street.png');
 */
export async function createSegmenter(source: SegNetwork | ModelSource, options?: SegmenterOptions): Promise<Segmenter> {
  if (source instanceof SegModel || source instanceof OcrSegModel) return new Segmenter(source, options);
  void SEG_BUILDER; // seg models registered with core before loading
  const { model } = await loadModel(source, { family: 'seg' });
  if (!(model instanceof SegModel || model instanceof OcrSegModel)) {
    model.dispose();
    throw new Error(`expected a segmentation model, got ${model.constructor.name}`);
  }
  try {
    return new Segmenter(model, options);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
