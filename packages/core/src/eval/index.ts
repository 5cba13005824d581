/** COCO evaluation (box IoU and keypoint OKS) exactly as pycocotools' COCOeval. Browser-safe. */
export { type Accumulated, cocoAccumulate } from './accumulate.js';
export { boxIou } from './box-iou.js';
export { CocoDataset } from './coco-dataset.js';
export { type CocoEvalOutput, type EvaluateCocoOptions, evaluateCoco, keypointCategories } from './coco-eval.js';
export { type CocoAnnotation, type CocoCategory, CocoEvalError, type CocoGroundTruthJson, type CocoImage, type CocoResult } from './coco-types.js';
export { type EvaluateResult, cocoEvaluate, type IouEntry } from './evaluate.js';
export { type EvalDt, type EvalGt, type EvalImg, evaluateImg } from './evaluate-image.js';
export { loadRes } from './load-res.js';
export { computeOks, type OksGroundTruth } from './oks.js';
export { COCO_KPT_OKS_SIGMAS, type CocoEvalParams, defaultCocoEvalParams, type IouType } from './params.js';
export { BBOX_STAT_NAMES, KEYPOINT_STAT_NAMES, type Summary, cocoSummarize } from './summarize.js';
export {
  countsFromString,
  countsToString,
  decodeMask,
  encodeMask,
  maskArea,
  maskIou,
  maskToBbox,
  maskToCounts,
  mergeMasks,
  polygonToRle,
  type Rle,
  type RleCounts,
  segmentationToRle,
} from './mask.js';
