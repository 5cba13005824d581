/**
 * @hrnetjs/detection-head — object detection with HRNet + HRFPN + Faster R-CNN (or FCOS), mmdet 2.x test
 * semantics: `createDetector` (checkpoint in, `detect` out), the models, their configs, drawing and
 * training. Heads, RoI ops, NMS, anchors, coders and the training internals are in
 * `@hrnetjs/detection-head/ops`.
 */
export { createDetector, type Detection, Detector, type DetectorModel, type DetectorOptions, type DetectOptions, type InstanceMask } from './detect.js';
export { type DetectorOnnxSessions, FasterRCNN, type OnnxHeadGraph, type SimpleTestOptions, type SimpleTestResult, type TwoStageRoIHead } from './faster-rcnn.js';
export { MaskRCNN } from './mask-rcnn.js';
export { CascadeRCNN } from './cascade-rcnn.js';
export { HybridTaskCascade } from './htc.js';
export { createTwoStageDetector, type TwoStageDetector, type TwoStageKind, twoStageKind, twoStageKindOfKeys } from './two-stage.js';
export { FCOS, type FcosSimpleTestOptions } from './fcos.js';
export { type FcosConfig, type FcosHeadConfig, type FcosTestConfig, isFcosDetector } from './fcos-config.js';
export { type DetectorKind, detectorKind, detectorKindOfKeys } from './detector-kind.js';
export type { InstanceMasks } from './paste-mask.js';
export { DetectionFeatureModel } from './detection-model.js';
export { MMDET_BUILDER } from './register.js';
export { COCO_CLASSES, detectorClassNames } from './coco-classes.js';
export { drawDetections } from './draw-detections.js';
export {
  type BBoxHeadConfig,
  type FasterRcnnConfig,
  type FasterRcnnTestConfig,
  type ImageMeta,
  isFasterRcnnDetector,
  type RPNHeadConfig,
  type RpnTestConfig,
} from './faster-rcnn-config.js';
export type { RcnnTestConfig } from './multiclass-nms.js';
export {
  type DetectionInput,
  type DetectionPipelineConfig,
  detectionPipelineFromConfig,
  MMDET_TEST_PIPELINE,
  preprocessForDetection,
} from './preprocess.js';
export {
  type CascadeRcnnTrainConfig,
  defaultCascadeRcnnTrainConfig,
  defaultFasterRcnnTrainConfig,
  type FasterRcnnTrainConfig,
  parseCascadeRcnnTrainConfig,
  parseDetectorTrainConfig,
  parseFasterRcnnTrainConfig,
  type TwoStageTrainConfig,
} from './train/train-config.js';
export { type DetectorTrainProgress, trainDetector, type TrainDetectorOptions } from './train/train-detector.js';
export { type DetectionExample, type DetectionTrainPipelineConfig, type DetectionTrainSample, MMDET_TRAIN_PIPELINE } from './train/train-pipeline.js';
