/**
 * @hrnetjs/core — the HRNet backbone for TensorFlow.js: every official variant, exact loading of
 * the official PyTorch checkpoints, `loadModel` (checkpoint in, ready model out) with the model
 * registry the head packages fill, presets and configs, backends, images, COCO evaluation and
 * training. Browser-safe; file-system helpers live in `@hrnetjs/core/node`, the building blocks and
 * helpers that mirror upstream functions (layers, HR modules, OpenCV-exact warps, COCOeval steps…)
 * in `@hrnetjs/core/ops`.
 */
export * from './api/index.js';
export * from './backend/index.js';
export * from './checkpoint/index.js';
export * from './config/index.js';
export * from './io/index.js';
export * from './model/index.js';
export { type BoundEntry, type EntryKind, Module, type StateDictEntry } from './nn/index.js';
export { decodeImage, encodePng, fromPixelData, ImageInputError, type PixelData, type RgbImage, sniffImageFormat } from './image/index.js';
export { type BrowserImageSource, type ImageInput, toRgbImage } from './image/index.js';
export {
  BBOX_STAT_NAMES,
  COCO_KPT_OKS_SIGMAS,
  type CocoAnnotation,
  type CocoCategory,
  CocoEvalError,
  type CocoEvalOutput,
  type CocoGroundTruthJson,
  type CocoImage,
  type CocoResult,
  type EvaluateCocoOptions,
  evaluateCoco,
  KEYPOINT_STAT_NAMES,
  keypointCategories,
  type Summary,
} from './eval/index.js';
// pycocotools' mask API (instance masks in results, COCO RLE).
export { decodeMask, encodeMask, maskArea, maskIou, maskToBbox, mergeMasks, polygonToRle, type Rle, type RleCounts, segmentationToRle } from './eval/index.js';
export { type DType, fromNCHW, numel, type StateDict, type TensorData, type TensorValues, toNCHW } from './tensor/index.js';
export { Adam, enableTraining, type FitOptions, type FitProgress, fit, multiStepLr, type Optimizer, type OptimizerState, polyLr, SGD, setBatchNormMomentum, trainableVariablesByKey } from './train/index.js';
// Progress lines of the training loops (examples/s, loss, ETA).
export { formatDuration, formatProgress } from './train/index.js';
// The engine choice of the pipelines (tfjs or an onnxruntime session over `model.toOnnx()`).
export { type EngineName, type HostTensor, type NetworkRunner, ONNX_OPSET, type OnnxSession, onnxRunner, tfjsRunner } from './onnx/index.js';
// onnxruntime-web (browser-safe: you pass the module, so your bundler serves its .wasm files).
export { createOrtWebSession, type OrtWebExecutionProvider, type OrtWebModule, type OrtWebSession, type OrtWebSessionOptions } from './onnx/index.js';
