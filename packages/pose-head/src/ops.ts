/**
 * @hrnetjs/pose-head/ops — the steps of the official top-down pipeline, each mirroring an upstream
 * function (`get_affine_transform`, `_xywh2cs`, `get_final_preds`, `flip_back`, `oks_nms`, …), and
 * the training targets and losses. The package root keeps the model, the pipeline and its types.
 */
export { type Point, affineTransform, getAffineTransform, solveAffineFromPoints } from './affine-transform.js';
export { type CenterScale, type PersonBox, PIXEL_STD, checkBox, scaleArea, xywh2cs } from './center-scale.js';
export { cropPerson, normalizationTable, normalizeCrops } from './crop.js';
export { type HeatmapInferenceOptions, flipBack, inferHeatmaps, inferHeatmapsWith, shiftHeatmap } from './flip-test.js';
export {
  type HeatmapArray,
  type JointPredictions,
  getFinalPreds,
  getMaxPreds,
  refineQuarterOffset,
  transformPreds,
} from './inference.js';
export { type OksCandidate, oksIou, oksNms, rescorePoses } from './oks-nms.js';
export { generateTarget, type HeatmapTarget, type TargetOptions } from './train/heatmap-target.js';
export { jointsDatasetSample, type PoseAugmentOptions, type PoseExample, type PoseTrainSample } from './train/joints-dataset-sample.js';
export { jointsMseLoss, jointsOhkmMseLoss } from './train/joints-mse-loss.js';
export { type PoseBatch, poseBatchLoss, slicePoseBatch } from './train/pose-replica.js';
