/**
 * @hrnetjs/seg-head — HRNetV2 semantic segmentation: `createSegmenter` (checkpoint in, `segment`
 * out), `SegModel`, datasets, palettes, mIoU and training. The test path's individual steps are in
 * `@hrnetjs/seg-head/ops`.
 */
export { SegModel } from './seg-model.js';
export { OcrSegModel } from './ocr/ocr-seg-model.js';
export { createSegModel, type SegNetwork } from './seg-network.js';
export { getPalette, type Palette } from './datasets/palette.js';
export {
  CITYSCAPES_CLASSES,
  CITYSCAPES_CLASS_WEIGHTS,
  CITYSCAPES_LABEL_TO_TRAIN_ID,
  CITYSCAPES_PALETTE,
  convertCityscapesLabel,
} from './datasets/cityscapes.js';
export { ADE20K_CLASSES, COCO_STUFF_CLASSES, LIP_CLASSES, LIP_FLIP_PAIRS, PASCAL_CONTEXT_CLASSES } from './datasets/class-names.js';
export {
  getSegDataset,
  type MultiScaleMode,
  SEG_DATASET_IDS,
  SEG_DATASETS,
  type SegDatasetId,
  type SegDatasetInfo,
} from './datasets/seg-datasets.js';
export { getSegPresetTest, SEG_PRESET_IDS, SEG_PRESET_TESTS, type SegPresetId, type SegPresetTest } from './datasets/seg-presets.js';
export { resolveSegSettings, type SegmentOptions, type SegTestSettings } from './seg-settings.js';
export type { SegmentResult } from './segment.js';
export { createSegmenter, type SegmentCallOptions, Segmenter, type SegmenterOptions } from './segmenter.js';
export { SEG_BUILDER } from './register.js';
export type { TestResize } from './test-resize.js';
export { colorize, type LabelMap, overlay } from './colorize.js';
export {
  accumulateConfusion,
  type ConfusionMatrix,
  createConfusionMatrix,
  getConfusionMatrix,
  type SegMetrics,
  segMetrics,
} from './metrics.js';
export { type SegExample, trainSegmentation, type TrainSegmentationOptions } from './train/train-segmentation.js';
