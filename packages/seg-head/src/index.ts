export { SegLastLayer, SegModel } from './seg-model.js';
export { OcrSegModel } from './ocr/ocr-seg-model.js';
export { BNReLU, ConvBNReLUChain, ObjectAttentionBlock2D, SpatialOCRModule } from './ocr/object-attention.js';
export { SpatialGatherModule } from './ocr/spatial-gather.js';
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
export { inputTensor, inputTransform } from './input-transform.js';
export { type PreparedTestImage, prepareTestImage, restorePrediction, type TestResize } from './test-resize.js';
export { scaledSize, slidingWindows, type Window } from './sliding-window.js';
export { inference, type InferenceOptions } from './inference.js';
export { multiScaleInference, type MultiScaleOptions } from './multi-scale-inference.js';
export { segment, type SegmentResult } from './segment.js';
export { colorize, type LabelMap, overlay } from './colorize.js';
export {
  accumulateConfusion,
  type ConfusionMatrix,
  createConfusionMatrix,
  getConfusionMatrix,
  type SegMetrics,
  segMetrics,
} from './metrics.js';
export { augmentSegSample, type SegAugmentOptions, type SegTrainSample } from './train/augment.js';
export { crossEntropyLoss, type CrossEntropyOptions, ohemCrossEntropyLoss } from './train/cross-entropy.js';
export { type BalancedLossOptions, balancedSegLoss, defaultBalanceWeights } from './train/balanced-loss.js';
export { type SegExample, trainSegmentation, type TrainSegmentationOptions } from './train/train-segmentation.js';
