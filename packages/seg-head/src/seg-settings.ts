import type { ModelConfig, NetworkRunner } from '@hrnetjs/core';
import { getPalette, type Palette } from './datasets/palette.js';
import { type MultiScaleMode, SEG_DATASETS, type SegDatasetId, type SegDatasetInfo } from './datasets/seg-datasets.js';
import type { TestResize } from './test-resize.js';

/** Options of `segment`; each one overrides what the config says. */
export interface SegmentOptions {
  /** Runs the network instead of TF.js (e.g. `onnxRunner(session)` over `model.toOnnx()`). */
  network?: NetworkRunner;
  /** `TEST.SCALE_LIST`: multipliers of the base size. */
  scales?: number[];
  /** `TEST.FLIP_TEST`: average the logits of the mirrored image. */
  flip?: boolean;
  /** `TEST.BASE_SIZE`: long side of the image at scale 1. */
  baseSize?: number;
  /** Crop / sliding-window size [height, width] (`TEST.IMAGE_SIZE` is [w, h]). */
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
  /** Class names (length = number of classes). */
  classes?: readonly string[];
  /** Also return the summed prediction (H×W×classes floats: large). */
  returnScores?: boolean;
  /** The dataset's testval resize / pad before inference; default: the dataset's (none when unknown). */
  testResize?: TestResize;
}

/** Every setting `segment` runs with, resolved from config + options. */
export interface SegTestSettings {
  dataset: SegDatasetInfo | null;
  numClasses: number;
  scales: number[];
  flip: boolean;
  baseSize: number;
  cropSize: [number, number];
  alignCorners: boolean;
  multiScaleMode: MultiScaleMode;
  testResize: TestResize;
  flipPairs: ReadonlyArray<readonly [number, number]>;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  classes: readonly string[];
  palette: Palette;
}

/** Defaults of the official `lib/config/default.py` (TEST section, DATASET.DATASET). */
const OFFICIAL_DEFAULTS = { baseSize: 2048, cropSize: [1024, 2048] as [number, number], scales: [1], flip: false, dataset: 'cityscapes' };

type Dict = Record<string, unknown>;
const _isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveInt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${path} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkScales(value: unknown, path: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new Error(`${path} must be a non-empty list of positive numbers such as [0.75, 1.0, 1.25], got ${JSON.stringify(value)}`);
  }
  return [...value] as number[];
}

function checkCrop(value: unknown, path: string, order: 'wh' | 'hw'): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`${path} must be two positive integers [${order === 'wh' ? 'width, height' : 'height, width'}], got ${JSON.stringify(value)}`);
  }
  const [a, b] = value.map((v, i) => positiveInt(v, `${path}[${i}]`));
  return order === 'wh' ? [b, a] : [a, b];
}

function checkTestResize(resize: TestResize): TestResize {
  const ok =
    resize.kind === 'none' ||
    resize.kind === 'crop-size' ||
    (resize.kind === 'short-side' && Number.isInteger(resize.stride) && resize.stride > 0 && typeof resize.cropPadding === 'boolean');
  if (!ok) {
    throw new Error(
      `testResize must be { kind: 'none' }, { kind: 'crop-size' } or { kind: 'short-side', stride: positive integer, cropPadding: boolean }, got ${JSON.stringify(resize)}`,
    );
  }
  return resize;
}

/** The config's test settings (yaml TEST.* / preset, read by the config parser) over the official defaults; cropSize [h, w]. */
function readTest(config: ModelConfig): { baseSize: number; cropSize: [number, number]; scales: number[]; flip: boolean; dataset: string } {
  const test = config.test ?? {};
  return {
    baseSize: test.baseSize ?? OFFICIAL_DEFAULTS.baseSize,
    cropSize: test.cropSize ? [test.cropSize[1], test.cropSize[0]] : OFFICIAL_DEFAULTS.cropSize,
    scales: test.scales ?? OFFICIAL_DEFAULTS.scales,
    flip: test.flipTest ?? OFFICIAL_DEFAULTS.flip,
    dataset: (test.dataset ?? OFFICIAL_DEFAULTS.dataset).toLowerCase(),
  };
}

/**
 * The test settings for a seg model: `config.test` (the yaml's TEST.BASE_SIZE, TEST.IMAGE_SIZE
 * [w, h], TEST.SCALE_LIST, TEST.FLIP_TEST, DATASET.DATASET, or the preset's; missing keys take the
 * official defaults); `options` override them.
 */
export function resolveSegSettings(config: ModelConfig, options: SegmentOptions = {}): SegTestSettings {
  if (config.head.type !== 'seg') throw new Error(`segmentation needs a seg model config, got a '${config.head.type}' head`);
  const numClasses = config.head.numClasses;
  const base = readTest(config);
  const datasetId = options.dataset ?? base.dataset;
  const dataset = (SEG_DATASETS as Record<string, SegDatasetInfo>)[datasetId] ?? null;
  const fits = dataset !== null && dataset.classes.length === numClasses;

  const classes = options.classes ?? (fits ? dataset.classes : Array.from({ length: numClasses }, (_, i) => `class ${i}`));
  if (classes.length !== numClasses) throw new Error(`classes has ${classes.length} names but the model has ${numClasses} classes`);
  const flipPairs = options.flipPairs ?? (fits ? dataset.flipPairs : []);
  for (const [a, b] of flipPairs) {
    if (![a, b].every((c) => Number.isInteger(c) && c >= 0 && c < numClasses)) {
      throw new Error(`flipPairs [${a}, ${b}] must name classes in 0..${numClasses - 1}`);
    }
  }
  return {
    dataset,
    numClasses,
    scales: options.scales === undefined ? base.scales : checkScales(options.scales, 'scales'),
    flip: options.flip ?? base.flip,
    baseSize: options.baseSize === undefined ? base.baseSize : positiveInt(options.baseSize, 'baseSize'),
    cropSize: options.cropSize === undefined ? base.cropSize : checkCrop(options.cropSize, 'cropSize', 'hw'),
    alignCorners: options.alignCorners ?? config.backbone.alignCorners,
    multiScaleMode: options.multiScaleMode ?? dataset?.multiScaleMode ?? 'base',
    testResize: checkTestResize(options.testResize ?? dataset?.testResize ?? { kind: 'none' }),
    flipPairs,
    mean: options.mean ?? (config.input.mean as [number, number, number] | undefined) ?? dataset?.mean ?? SEG_DATASETS.cityscapes.mean,
    std: options.std ?? (config.input.std as [number, number, number] | undefined) ?? dataset?.std ?? SEG_DATASETS.cityscapes.std,
    classes,
    palette: fits ? dataset.palette : getPalette(numClasses),
  };
}
