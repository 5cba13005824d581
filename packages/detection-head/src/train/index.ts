export { anchorInsideFlags, type AnchorTargets, anchorTargets, type ImageAnchors, imageAnchors, type RpnTrainConfig } from './anchor-targets.js';
export { bboxOverlaps } from './bbox-overlaps.js';
export { cascadeRoiLosses, type CascadeStageRecord } from './cascade-loss.js';
export {
  type DetectorHeads,
  detectorForwardTrain,
  detectorLossesOnLevels,
  type DetectorLosses,
  type DetectorTrainTarget,
  type TrainableDetector,
} from './detector-loss.js';
export { initDetectorWeights } from './init-weights.js';
export { type BBoxLossConfig, bboxRegressionLoss, l1Loss, sigmoidCrossEntropy, smoothL1Loss, softmaxCrossEntropy } from './losses.js';
export { stepLrWithWarmup, type StepLrWithWarmup } from './lr-schedule.js';
export { type AssignResult, maxIoUAssign, type MaxIoUAssignerConfig, RCNN_ASSIGNER, RPN_ASSIGNER } from './max-iou-assigner.js';
export { freezeBatchNormStats } from './norm-eval.js';
export { randomChoice, randomSample, type RandomSamplerConfig, RCNN_SAMPLER, RPN_SAMPLER, type SamplingResult } from './random-sampler.js';
export { applyRoIAlignPlan, extractRoiFeaturesTrainable, type RoIAlignPlan, roiAlignPlan } from './roi-align-trainable.js';
export { roiLoss, type RoiLossConfig, type RoiLosses } from './roi-loss.js';
export { type RcnnTrainConfig, roiTargets, type RoiTargets } from './roi-targets.js';
export { rpnLoss, type RpnLosses } from './rpn-loss.js';
export {
  type CascadeRcnnTrainConfig,
  defaultCascadeRcnnTrainConfig,
  defaultDetectorLossConfig,
  defaultFasterRcnnTrainConfig,
  type DetectorLossConfig,
  type FasterRcnnTrainConfig,
  isCascadeTrainConfig,
  parseCascadeRcnnTrainConfig,
  parseDetectorLossConfig,
  parseDetectorTrainConfig,
  parseFasterRcnnTrainConfig,
  type TwoStageTrainConfig,
} from './train-config.js';
export { type DetectorTrainProgress, trainDetector, type TrainDetectorOptions } from './train-detector.js';
export {
  collateSamples,
  type DetectionExample,
  type DetectionTrainPipelineConfig,
  type DetectionTrainSample,
  MMDET_TRAIN_PIPELINE,
  prepareTrainSample,
  validGroundTruth,
} from './train-pipeline.js';
export { type GtMasks, maskLoss, maskTargets } from './mask-targets.js';
export { maskHeadLoss, maskLossOnLevels } from './mask-loss.js';
export { transformGtMasks } from './mask-pipeline.js';
