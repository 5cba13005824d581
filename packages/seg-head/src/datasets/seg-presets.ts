import type { SegDatasetId } from './seg-datasets.js';

/** The seg preset ids of `@hrnetjs/core` this package has test settings for. */
export const SEG_PRESET_IDS = [
  'seg-cityscapes-w48',
  'seg-cityscapes-w18-small-v1',
  'seg-cityscapes-w18-small-v2',
  'seg-ade20k-w48',
  'seg-pascal-ctx-w48',
  'seg-lip-w48',
  'seg-ocr-cityscapes-w48',
  'seg-ocr-ade20k-w48',
  'seg-ocr-pascal-ctx-w48',
  'seg-ocr-lip-w48',
  'seg-ocr-cocostuff-w48',
] as const;

/** One of {@link SEG_PRESET_IDS}. */
export type SegPresetId = (typeof SEG_PRESET_IDS)[number];

/** The TEST section of a preset's official yaml, plus the README evaluation protocol. */
export interface SegPresetTest {
  dataset: SegDatasetId;
  numClasses: number;
  /** `MODEL.ALIGN_CORNERS` in effect (also in the core preset's backbone). */
  alignCorners: boolean;
  /** `TEST.BASE_SIZE`: long side at scale 1. */
  baseSize: number;
  /** `TEST.IMAGE_SIZE` as [height, width] (the yaml writes [w, h]): the crop / window size. */
  cropSize: [number, number];
  /** `TEST.SCALE_LIST` and `TEST.FLIP_TEST` of the yaml (what testval runs by default). */
  scales: number[];
  flip: boolean;
  /** Scales and flip of the README's multi-scale evaluation command. */
  evalScales: number[];
  evalFlip: boolean;
}

const CITYSCAPES: SegPresetTest = {
  dataset: 'cityscapes',
  numClasses: 19,
  alignCorners: false,
  baseSize: 2048,
  cropSize: [1024, 2048],
  scales: [1],
  flip: false,
  evalScales: [0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
  evalFlip: true,
};

const MS_0_5_TO_2 = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

/** The seg_hrnet_ocr yamls: the dataset's TEST sizes, MODEL.ALIGN_CORNERS left at the branch default True. */
function ocrTest(dataset: SegDatasetId, numClasses: number, size: number, evalScales: number[]): SegPresetTest {
  return { dataset, numClasses, alignCorners: true, baseSize: size, cropSize: [size, size], scales: [1], flip: false, evalScales, evalFlip: true };
}

/** Test settings per seg preset (official yamls and READMEs). */
export const SEG_PRESET_TESTS: Readonly<Record<SegPresetId, SegPresetTest>> = {
  'seg-cityscapes-w48': CITYSCAPES,
  'seg-cityscapes-w18-small-v1': CITYSCAPES,
  'seg-cityscapes-w18-small-v2': CITYSCAPES,
  'seg-ade20k-w48': {
    dataset: 'ade20k',
    numClasses: 150,
    alignCorners: true,
    baseSize: 520,
    cropSize: [520, 520],
    scales: [1],
    flip: false,
    evalScales: MS_0_5_TO_2,
    evalFlip: true,
  },
  'seg-pascal-ctx-w48': {
    dataset: 'pascal_ctx',
    numClasses: 59,
    alignCorners: false,
    baseSize: 520,
    cropSize: [520, 520],
    scales: [1],
    flip: false,
    evalScales: MS_0_5_TO_2,
    evalFlip: true,
  },
  'seg-lip-w48': {
    dataset: 'lip',
    numClasses: 20,
    alignCorners: false,
    baseSize: 473,
    cropSize: [473, 473],
    scales: [1],
    flip: false,
    evalScales: [1],
    evalFlip: true,
  },
  'seg-ocr-cityscapes-w48': { ...CITYSCAPES, alignCorners: true },
  'seg-ocr-ade20k-w48': ocrTest('ade20k', 150, 520, MS_0_5_TO_2),
  'seg-ocr-pascal-ctx-w48': ocrTest('pascal_ctx', 59, 520, MS_0_5_TO_2),
  'seg-ocr-lip-w48': ocrTest('lip', 20, 473, [1]),
  'seg-ocr-cocostuff-w48': ocrTest('cocostuff', 171, 520, MS_0_5_TO_2),
};

/** The test settings of a seg preset id, or undefined for any other name. */
export function getSegPresetTest(id: string): SegPresetTest | undefined {
  const key = id.trim().toLowerCase().replace(/_/g, '-');
  return (SEG_PRESET_TESTS as Record<string, SegPresetTest>)[key];
}
