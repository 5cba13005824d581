/**
 * @hrnetjs/detection-head/ops — the mmdet / mmcv pieces the detector is built from, each mirroring
 * an upstream module or function: HRFPN, RPN and RoI heads, anchors, the delta-xywh coder, RoIAlign
 * and its trainable plans, NMS, the config parsers, the free `detect(model, image)` and the
 * training internals (assigners, samplers, targets, losses).
 */
export { AnchorGenerator, type AnchorGeneratorConfig } from './anchor-generator.js';
export { Shared2FCBBoxHead } from './bbox-head.js';
export { deltaXYWHDecode, deltaXYWHEncode, type DeltaXYWHCoderConfig } from './delta-xywh-coder.js';
export { detect } from './detect.js';
export { parseFasterRcnnConfig, parseImageMeta } from './faster-rcnn-config.js';
export { HRFPN } from './hrfpn.js';
export { type Detections, multiclassNms } from './multiclass-nms.js';
export { batchedNms, type BatchedNmsOptions, nms, sortByScoreDescending } from './nms.js';
export { normalizeLut, rescaleSize } from './preprocess.js';
export { type FeatureMap, roiAlign, type RoIAlignOptions } from './roi-align.js';
export { extractRoiFeatures, mapRoiLevels, type RoIExtractorConfig } from './roi-extractor.js';
export { type RoIHeadNetworks, type RoIHeadSessions, type RoITestOptions, StandardRoIHead } from './roi-head.js';
export { type Proposals, RPNHead, type RpnLevelOutput } from './rpn-head.js';
export { type CascadeConfig, parseCascadeConfig } from './cascade-rcnn-config.js';
export { type CascadeFeatureSource, CascadeRoIHead } from './cascade-roi-head.js';
export { FusedSemanticHead } from './fused-semantic-head.js';
export { type HtcConfig, parseHtcConfig, type SemanticHeadConfig } from './htc-config.js';
export { HTCMaskHead } from './htc-mask-head.js';
export { adaptiveAvgPool, HybridTaskCascadeRoIHead } from './htc-roi-head.js';
export { ConvModule, ConvTranspose2d, FCNMaskHead, labelChannels, type MaskHeadConfig, roiFeaturesNhwc } from './fcn-mask-head.js';
export { type MaskBranchConfig, parseMaskBranch } from './mask-rcnn-config.js';
export { MaskRoIHead } from './mask-roi-head.js';
export { getSegMasks, maskRois, pasteMask } from './paste-mask.js';
export { readBBoxHead, readRoIExtractor } from './faster-rcnn-config.js';
export * from './train/index.js';
export { type FcosGetBboxesOptions, type FcosHeadOutputs, FCOSHead, type FcosLevelOutput, GroupNorm } from './fcos-head.js';
export { fcosPipelineFromConfig, isFcosKeys, parseFcosConfig } from './fcos-config.js';
