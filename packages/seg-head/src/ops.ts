/**
 * @hrnetjs/seg-head/ops — the steps of the official segmentation test path (`input_transform`,
 * `inference`, `multi_scale_inference`, sliding windows), the free `segment(model, image)`, the
 * last layer and the training losses and augmentation. The package root keeps the model, the
 * `createSegmenter` pipeline, datasets, palettes and metrics.
 */
export { SegLastLayer } from './seg-model.js';
export { inputTensor, inputTransform } from './input-transform.js';
export { scaledSize, slidingWindows, type Window } from './sliding-window.js';
export { inference, type InferenceOptions } from './inference.js';
export { multiScaleInference, type MultiScaleOptions } from './multi-scale-inference.js';
export { segment } from './segment.js';
export { augmentSegSample, type SegAugmentOptions, type SegTrainSample } from './train/augment.js';
export { crossEntropyLoss, type CrossEntropyOptions, ohemCrossEntropyLoss } from './train/cross-entropy.js';
export { BNReLU, ConvBNReLUChain, ObjectAttentionBlock2D, SpatialOCRModule } from './ocr/object-attention.js';
export { SpatialGatherModule } from './ocr/spatial-gather.js';
export { type PreparedTestImage, prepareTestImage, restorePrediction } from './test-resize.js';
export { type BalancedLossOptions, balancedSegLoss, defaultBalanceWeights } from './train/balanced-loss.js';
