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
export { type PoseBatch, poseBatchLoss, slicePoseBatch } from './train/pose-replica.js';
