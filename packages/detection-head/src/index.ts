export { AnchorGenerator, type AnchorGeneratorConfig } from './anchor-generator.js';
export { Shared2FCBBoxHead } from './bbox-head.js';
export { COCO_CLASSES } from './coco-classes.js';
export { deltaXYWHDecode, deltaXYWHEncode, type DeltaXYWHCoderConfig } from './delta-xywh-coder.js';
export { type Detection, type DetectOptions, detect, detectorClassNames, type InstanceMask } from './detect.js';
export { DetectionFeatureModel } from './detection-model.js';
export { drawDetections } from './draw-detections.js';
export { CascadeRCNN } from './cascade-rcnn.js';
export { type CascadeConfig, parseCascadeConfig } from './cascade-rcnn-config.js';
export { CascadeRoIHead } from './cascade-roi-head.js';
export { FasterRCNN, type SimpleTestOptions, type SimpleTestResult, type TwoStageRoIHead } from './faster-rcnn.js';
export { ConvTranspose2d, FCNMaskHead, type MaskHeadConfig } from './fcn-mask-head.js';
export { MaskRCNN } from './mask-rcnn.js';
export { type MaskBranchConfig, parseMaskBranch } from './mask-rcnn-config.js';
export { MaskRoIHead } from './mask-roi-head.js';
export { getSegMasks, type InstanceMasks, maskRois, pasteMask } from './paste-mask.js';
export { createTwoStageDetector, type TwoStageDetector, type TwoStageKind, twoStageKind, twoStageKindOfKeys } from './two-stage.js';
export {
  type BBoxHeadConfig,
  type FasterRcnnConfig,
  type FasterRcnnTestConfig,
  type ImageMeta,
  isFasterRcnnDetector,
  parseFasterRcnnConfig,
  parseImageMeta,
  readBBoxHead,
  readRoIExtractor,
  type RPNHeadConfig,
  type RpnTestConfig,
} from './faster-rcnn-config.js';
export { HRFPN } from './hrfpn.js';
export { type Detections, multiclassNms, type RcnnTestConfig } from './multiclass-nms.js';
export { batchedNms, type BatchedNmsOptions, nms, sortByScoreDescending } from './nms.js';
export {
  type DetectionInput,
  type DetectionPipelineConfig,
  MMDET_TEST_PIPELINE,
  normalizeLut,
  preprocessForDetection,
  rescaleSize,
} from './preprocess.js';
export { type FeatureMap, roiAlign, type RoIAlignOptions } from './roi-align.js';
export { extractRoiFeatures, mapRoiLevels, type RoIExtractorConfig } from './roi-extractor.js';
export { StandardRoIHead } from './roi-head.js';
export { type Proposals, RPNHead, type RpnLevelOutput } from './rpn-head.js';
export { type BoxDetector, detectionsToPersonBoxes, detectPoses, type DetectPosesOptions, type ScoredBox, type ScoredBoxPoseEstimator } from './detect-poses.js';
export * from './train/index.js';
