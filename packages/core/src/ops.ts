/**
 * @hrnetjs/core/ops — building blocks and helpers that mirror upstream functions, for head packages
 * and for checking against the official code: layers and the HR modules (named like the PyTorch
 * tree), PyTorch-exact resizes, OpenCV-exact warps, the COCOeval steps, trainable convolutions, the
 * seeded PRNG. The package root keeps the models, pipelines, options and result types.
 */
export * from './backbone/index.js';
export * from './nn/index.js';
export { type AffineMatrix, checkDimensions, cvRound, invertAffineLikeOpenCV, resizeBilinearUint8, warpAffine, type WarpAffineOptions } from './image/index.js';
export {
  type Accumulated,
  boxIou,
  CocoDataset,
  type CocoEvalParams,
  cocoAccumulate,
  cocoEvaluate,
  cocoSummarize,
  computeOks,
  defaultCocoEvalParams,
  type EvalDt,
  type EvalGt,
  type EvalImg,
  type EvaluateResult,
  evaluateImg,
  type IouEntry,
  type IouType,
  loadRes,
  type OksGroundTruth,
} from './eval/index.js';
export { countsFromString, countsToString, maskToCounts } from './eval/index.js';
export { concatArrays } from './tensor/index.js';
export { conv2dFilterGrad, conv2dTrainable, trainStep } from './train/index.js';
export { ONNX_IR_VERSION, type OnnxAttribute, type OnnxDim, OnnxGraph, type OnnxWeightDtype, ProtoWriter, resizeBilinearLikeOnnx, sumOnnx, upsampleNearestOnnx } from './onnx/index.js';
export * from './train/data-parallel/index.js';
