/**
 * @hrnetjs/pose-head — top-down human pose with HRNet: `createPoseEstimator` (checkpoint in,
 * `estimatePoses` out; multi-person with `{ detector }`), `PoseModel`, datasets, drawing, PCKh and
 * training. The pipeline's individual steps are in `@hrnetjs/pose-head/ops`.
 */
export { PoseModel } from './pose-model.js';
export {
  type EstimatePosesOptions,
  type PersonDetector,
  type Pose,
  type PoseEstimatorOptions,
  TopDownPoseEstimator,
  createPoseEstimator,
} from './top-down-estimator.js';
export { POSE_BUILDER } from './register.js';
export { COCO_DATASET, MPII_DATASET, type PoseDataset, datasetForJoints } from './datasets.js';
export { type DrawPosesOptions, drawPoses } from './draw-poses.js';
export type { PoseImageInput } from './image-input.js';
export { COCO_DEFAULTS, type PoseSettings, poseSettingsFromConfig } from './pose-settings.js';
export { pckh, type MpiiGroundTruth, type PckhResult } from './eval/pckh.js';
export { trainPose, type TrainPoseOptions } from './train/train-pose.js';
export {
  type BottomUpEstimatorOptions,
  type BottomUpKeypoint,
  type BottomUpMaps,
  type BottomUpPose,
  BottomUpPoseEstimator,
  type EstimateBottomUpOptions,
  HIGHER_FLIP_INDEX,
  bottomUpCocoResults,
  createBottomUpEstimator,
} from './higher/bottom-up-estimator.js';
export { getFinalPreds as getBottomUpFinalPreds } from './higher/final-preds.js';
export { type GroupedPerson, type HeatmapsAndTags, type ParserParams, jointOrder, parseHeatmaps } from './higher/group.js';
export {
  type HigherHRNetConfig,
  type HigherHeadConfig,
  type HigherTestConfig,
  inferHigherHRNetConfig,
  isHigherHRNetStateDict,
  isHigherHRNetYaml,
  parseHigherHRNetConfig,
} from './higher/higher-config.js';
export { munkres } from './higher/munkres.js';
export { HigherHRNetModel } from './higher/pose-higher-hrnet.js';
export { getMultiScaleSize, resizeAlignMultiScale } from './higher/transforms.js';
export {
  HIGHER_HRNET_PRESET_IDS,
  type HigherHRNetPresetId,
  getHigherHRNetPreset,
  isHigherHRNetPresetId,
} from './higher/higher-presets.js';
