import { type Accumulated, cocoAccumulate } from './accumulate.js';
import { CocoDataset } from './coco-dataset.js';
import { CocoEvalError } from './coco-types.js';
import { type EvaluateResult, cocoEvaluate } from './evaluate.js';
import { loadRes } from './load-res.js';
import { type CocoEvalParams, defaultCocoEvalParams, type IouType } from './params.js';
import { type Summary, cocoSummarize } from './summarize.js';

/** Inputs of {@link evaluateCoco}. */
export interface EvaluateCocoOptions {
  /** Ground truth: a parsed COCO JSON `{ images, annotations, categories }` or a {@link CocoDataset}. */
  gt: unknown;
  /** Parsed results list `[{ image_id, category_id, score, bbox | keypoints }]`. */
  results: unknown;
  iouType: IouType;
  /**
   * Overrides of COCOeval's params. Defaults: every gt image; for bbox every category, for
   * keypoints the categories that have keypoints (a category listing keypoint names, or one whose
   * annotations carry `keypoints`) — the official HRNet run sets `catIds = [1]` (person).
   */
  params?: Partial<Omit<CocoEvalParams, 'iouType'>>;
}

/** Everything a COCOeval run produces: summarize() stats and lines, accumulate() arrays, evaluate() records. */
export interface CocoEvalOutput extends Summary, Accumulated, EvaluateResult {}

/**
 * COCO evaluation exactly as pycocotools: `COCO(gt).loadRes(results)`, `COCOeval(gt, dt, iouType)`,
 * `evaluate()`, `accumulate()`, `summarize()`. Bad inputs throw `CocoEvalError` naming the field.
 *
 * @example
 * const { stats, lines } = evaluateCoco({ gt, results, iouType: 'keypoints' });
 * console.log(lines.join('\n')); // the ten lines summarize() prints
 */
export function evaluateCoco({ gt, results, iouType, params: overrides = {} }: EvaluateCocoOptions): CocoEvalOutput {
  const gtData = gt instanceof CocoDataset ? gt : CocoDataset.fromJson(gt);
  const dtData = loadRes(gtData, results);
  const params: CocoEvalParams = { ...defaultCocoEvalParams(iouType), ...overrides, iouType };
  if (!overrides.imgIds) params.imgIds = [...gtData.getImgIds()].sort((a, b) => a - b);
  if (!overrides.catIds) params.catIds = iouType === 'keypoints' ? keypointCategories(gtData) : [...gtData.getCatIds()].sort((a, b) => a - b);
  checkParams(params);
  const evaluated = cocoEvaluate(gtData, dtData, params);
  const accumulated = cocoAccumulate(evaluated.evalImgs, evaluated.params);
  const summary = cocoSummarize(accumulated, evaluated.params);
  return { ...evaluated, ...accumulated, ...summary };
}

/** Categories with keypoints: named in `categories[].keypoints`, or carried by their annotations. */
export function keypointCategories(gt: CocoDataset): number[] {
  const ids = new Set<number>();
  for (const cat of gt.categories) if (Array.isArray(cat.keypoints) && cat.keypoints.length > 0) ids.add(cat.id);
  for (const ann of gt.annotations) if (Array.isArray(ann.keypoints)) ids.add(ann.category_id);
  if (ids.size === 0) throw new CocoEvalError('keypoint evaluation: no category of the ground truth has keypoints (pass params.catIds)');
  return [...ids].sort((a, b) => a - b);
}

function checkParams(p: CocoEvalParams): void {
  const numbers = (name: keyof CocoEvalParams, values: unknown) => {
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && !Number.isNaN(v))) {
      throw new CocoEvalError(`params.${name} must be an array of numbers`);
    }
  };
  for (const name of ['imgIds', 'catIds', 'iouThrs', 'recThrs', 'maxDets', 'kptOksSigmas'] as const) numbers(name, p[name]);
  if (!Array.isArray(p.areaRng) || !p.areaRng.every((r) => Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number'))) {
    throw new CocoEvalError('params.areaRng must be a list of [min, max] area pairs');
  }
  if (!Array.isArray(p.areaRngLbl) || p.areaRngLbl.length !== p.areaRng.length) {
    throw new CocoEvalError(`params.areaRngLbl must have one label per area range (${p.areaRng.length}), got ${Array.isArray(p.areaRngLbl) ? p.areaRngLbl.length : 'none'}`);
  }
  if (p.maxDets.length === 0 || !p.maxDets.every((m) => Number.isInteger(m) && m > 0)) {
    throw new CocoEvalError(`params.maxDets must be positive integers, got [${p.maxDets.join(', ')}]`);
  }
}
