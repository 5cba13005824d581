import { IMAGENET_MEAN, IMAGENET_STD } from '@hrnetjs/core';
import type { TestResize } from '../test-resize.js';
import { ADE20K_CLASSES, COCO_STUFF_CLASSES, LIP_CLASSES, LIP_FLIP_PAIRS, PASCAL_CONTEXT_CLASSES } from './class-names.js';
import { CITYSCAPES_CLASSES, CITYSCAPES_PALETTE } from './cityscapes.js';
import { getPalette, type Palette } from './palette.js';

/** Dataset names as the official yaml's `DATASET.DATASET` spells them. */
export const SEG_DATASET_IDS = ['cityscapes', 'ade20k', 'pascal_ctx', 'lip', 'cocostuff'] as const;

/** One of {@link SEG_DATASET_IDS}. */
export type SegDatasetId = (typeof SEG_DATASET_IDS)[number];

/**
 * Which `multi_scale_inference` the dataset class uses: Cityscapes overrides it (whole image for
 * scale ≤ 1, windows with stride = crop otherwise); the others inherit BaseDataset's (pad small
 * images, windows with stride 2/3 crop).
 */
export type MultiScaleMode = 'cityscapes' | 'base';

/** What the official dataset class fixes for testing, as plain data. */
export interface SegDatasetInfo {
  id: SegDatasetId;
  classes: readonly string[];
  /** Colours for `colorize`/`overlay`, one per class. */
  palette: Palette;
  /** `TRAIN.IGNORE_LABEL` of the official yamls (what testval passes to get_confusion_matrix). */
  ignoreLabel: number;
  /** Classes the flip test swaps (LIP's left/right parts); empty elsewhere. */
  flipPairs: ReadonlyArray<readonly [number, number]>;
  multiScaleMode: MultiScaleMode;
  /** The testval resize / pad of the image before inference (see {@link TestResize}). */
  testResize: TestResize;
  /** Label files store class + 1 (0 = unlabelled): the dataset subtracts 1 (ADE20K, PASCAL-Context). */
  reduceZeroLabel: boolean;
  /** `input_transform`: RGB ÷ 255, − mean, ÷ std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

const NORM = { mean: [...IMAGENET_MEAN] as [number, number, number], std: [...IMAGENET_STD] as [number, number, number] };

/**
 * Dataset facts keyed by id. Palettes: Cityscapes uses the benchmark colours; the others use the
 * official `get_palette` colour map the repository saves predictions with.
 */
export const SEG_DATASETS: Readonly<Record<SegDatasetId, SegDatasetInfo>> = {
  cityscapes: {
    id: 'cityscapes',
    classes: CITYSCAPES_CLASSES,
    palette: CITYSCAPES_PALETTE,
    ignoreLabel: 255,
    flipPairs: [],
    multiScaleMode: 'cityscapes',
    testResize: { kind: 'none' },
    reduceZeroLabel: false,
    ...NORM,
  },
  ade20k: {
    id: 'ade20k',
    classes: ADE20K_CLASSES,
    palette: getPalette(ADE20K_CLASSES.length),
    ignoreLabel: 255,
    flipPairs: [],
    multiScaleMode: 'base',
    // testval keeps the padding in the prediction (no border_padding returned).
    testResize: { kind: 'short-side', stride: 8, cropPadding: false },
    reduceZeroLabel: true,
    ...NORM,
  },
  pascal_ctx: {
    id: 'pascal_ctx',
    classes: PASCAL_CONTEXT_CLASSES,
    palette: getPalette(PASCAL_CONTEXT_CLASSES.length),
    // The yamls say −1; with reduce_zero_label on uint8 labels, unlabelled (0) wraps to 255.
    ignoreLabel: -1,
    flipPairs: [],
    multiScaleMode: 'base',
    testResize: { kind: 'short-side', stride: 8, cropPadding: true },
    reduceZeroLabel: true,
    ...NORM,
  },
  lip: {
    id: 'lip',
    classes: LIP_CLASSES,
    palette: getPalette(LIP_CLASSES.length),
    ignoreLabel: 255,
    flipPairs: LIP_FLIP_PAIRS,
    multiScaleMode: 'base',
    testResize: { kind: 'crop-size' },
    reduceZeroLabel: false,
    ...NORM,
  },
  cocostuff: {
    id: 'cocostuff',
    classes: COCO_STUFF_CLASSES,
    palette: getPalette(COCO_STUFF_CLASSES.length),
    ignoreLabel: 255,
    flipPairs: [],
    multiScaleMode: 'base',
    testResize: { kind: 'short-side', stride: 8, cropPadding: true },
    // Label files hold COCO ids: encode_label maps [0 (unlabelled), things 1..90, stuff 92..182] to
    // 0..171, then reduce_zero_label makes them 0..170 (unlabelled → 255).
    reduceZeroLabel: true,
    ...NORM,
  },
};

/** The dataset record for an official `DATASET.DATASET` name (case-insensitive; `pascal-ctx` works too). */
export function getSegDataset(name: string): SegDatasetInfo {
  const key = name.trim().toLowerCase().replace(/-/g, '_') as SegDatasetId;
  const info = SEG_DATASETS[key];
  if (!info) throw new Error(`unknown segmentation dataset '${name}'; expected one of ${SEG_DATASET_IDS.join(', ')}`);
  return info;
}
