export { PoseModel } from './pose-model.js';
export { type Point, affineTransform, getAffineTransform, solveAffineFromPoints } from './affine-transform.js';
export { type CenterScale, type PersonBox, PIXEL_STD, checkBox, scaleArea, xywh2cs } from './center-scale.js';
export { cropPerson, normalizationTable, normalizeCrops } from './crop.js';
export { COCO_DATASET, MPII_DATASET, type PoseDataset, datasetForJoints } from './datasets.js';
export { type DrawPosesOptions, drawPoses } from './draw-poses.js';
export { type HeatmapInferenceOptions, flipBack, inferHeatmaps, shiftHeatmap } from './flip-test.js';
export { type PoseImageInput, toRgbImage } from './image-input.js';
export {
  type HeatmapArray,
  type JointPredictions,
  getFinalPreds,
  getMaxPreds,
  refineQuarterOffset,
  transformPreds,
} from './inference.js';
export { type OksCandidate, oksIou, oksNms, rescorePoses } from './oks-nms.js';
export { COCO_DEFAULTS, type PoseSettings, poseSettingsFromConfig } from './pose-settings.js';
export {
  type EstimatePosesOptions,
  type Keypoint,
  type Pose,
  type PoseEstimatorOptions,
  TopDownPoseEstimator,
  createPoseEstimator,
} from './top-down-estimator.js';
export { pckh, type MpiiGroundTruth, type PckhResult } from './eval/pckh.js';
export { generateTarget, type HeatmapTarget, type TargetOptions } from './train/heatmap-target.js';
export { jointsDatasetSample, type PoseAugmentOptions, type PoseExample, type PoseTrainSample } from './train/joints-dataset-sample.js';
export { jointsMseLoss, jointsOhkmMseLoss } from './train/joints-mse-loss.js';
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
