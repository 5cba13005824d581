export { AnchorGenerator, type AnchorGeneratorConfig } from './anchor-generator.js';
export { Shared2FCBBoxHead } from './bbox-head.js';
export { COCO_CLASSES, detectorClassNames } from './coco-classes.js';
export { deltaXYWHDecode, deltaXYWHEncode, type DeltaXYWHCoderConfig } from './delta-xywh-coder.js';
export { createDetector, type Detection, Detector, type DetectorOptions, type DetectOptions, detect } from './detect.js';
export { DetectionFeatureModel } from './detection-model.js';
export { drawDetections } from './draw-detections.js';
export { FasterRCNN, type SimpleTestOptions, type SimpleTestResult } from './faster-rcnn.js';
export {
  type BBoxHeadConfig,
  type FasterRcnnConfig,
  type FasterRcnnTestConfig,
  type ImageMeta,
  isFasterRcnnDetector,
  parseFasterRcnnConfig,
  parseImageMeta,
  type RPNHeadConfig,
  type RpnTestConfig,
} from './faster-rcnn-config.js';
export { HRFPN } from './hrfpn.js';
export { type Detections, multiclassNms, type RcnnTestConfig } from './multiclass-nms.js';
export { batchedNms, type BatchedNmsOptions, nms, sortByScoreDescending } from './nms.js';
export {
  type DetectionInput,
  type DetectionPipelineConfig,
  detectionPipelineFromConfig,
  MMDET_TEST_PIPELINE,
  normalizeLut,
  preprocessForDetection,
  rescaleSize,
} from './preprocess.js';
export { type FeatureMap, roiAlign, type RoIAlignOptions } from './roi-align.js';
export { extractRoiFeatures, mapRoiLevels, type RoIExtractorConfig } from './roi-extractor.js';
export { StandardRoIHead } from './roi-head.js';
export { type Proposals, RPNHead, type RpnLevelOutput } from './rpn-head.js';
export { MMDET_BUILDER } from './register.js';
export * from './train/index.js';
