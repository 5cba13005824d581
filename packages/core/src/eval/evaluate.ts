import { boxIou } from './box-iou.js';
import type { CocoDataset } from './coco-dataset.js';
import { type CocoAnnotation, CocoEvalError } from './coco-types.js';
import { type EvalDt, type EvalGt, type EvalImg, evaluateImg } from './evaluate-image.js';
import { argsortDescending } from './numpy-math.js';
import { maskIou, type Rle, type RleCounts, segmentationToRle } from './mask.js';
import { computeOks } from './oks.js';
import { type CocoEvalParams, uniqueSorted } from './params.js';

/** The IoU (bbox) or OKS (keypoints) matrix of one (image, category), as `COCOeval.ious`. */
export interface IouEntry {
  image_id: number;
  category_id: number;
  /** Rows: detections by score (stable), cut to the largest maxDets. */
  dtIds: number[];
  /** Columns: ground truths in file order. */
  gtIds: number[];
  ious: number[][];
}

/** What {@link cocoEvaluate} returns: the normalised params and the per-image records. */
export interface EvaluateResult {
  /** Params as evaluate() normalises them (unique sorted ids, sorted maxDets). */
  params: CocoEvalParams;
  /** `K × A × I` records, index `k * A * I + a * I + i`; `null` where an image has neither gt nor dt. */
  evalImgs: Array<EvalImg | null>;
  /** Non-empty IoU / OKS matrices in (image, category) order. */
  ious: IouEntry[];
}

/**
 * COCOeval's `evaluate()` (with `_prepare`, `computeIoU` / `computeOks` and `evaluateImg`) over
 * ground truth `gt` and results `dt` (from {@link loadRes}).
 */
export function cocoEvaluate(gt: CocoDataset, dt: CocoDataset, inputParams: CocoEvalParams): EvaluateResult {
  const params: CocoEvalParams = {
    ...inputParams,
    imgIds: uniqueSorted(inputParams.imgIds),
    catIds: uniqueSorted(inputParams.catIds),
    maxDets: [...inputParams.maxDets].sort((a, b) => a - b),
  };
  const { imgIds, catIds, iouType, areaRng, iouThrs } = params;
  if (params.maxDets.length === 0) throw new CocoEvalError('params.maxDets must not be empty');
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const gts = groupByImageAndCategory(gt, imgIds, catIds);
  const dts = groupByImageAndCategory(dt, imgIds, catIds);

  const ious: IouEntry[] = [];
  const prepared = new Map<string, { g: EvalGt[]; d: EvalDt[]; ious: number[][] }>();
  for (const imgId of imgIds) {
    for (const catId of catIds) {
      const g = gts.get(imgId)?.get(catId) ?? [];
      const dAll = dts.get(imgId)?.get(catId) ?? [];
      if (g.length === 0 && dAll.length === 0) continue;
      const d = argsortDescending(dAll.map((a) => a.score as number)).slice(0, maxDet).map((i) => dAll[i]);
      const matrix =
        iouType === 'keypoints'
          ? keypointIous(d, g, params.kptOksSigmas)
          : iouType === 'segm'
            ? segmIous(d, g, gt)
            : boxIou(d.map((a) => a.bbox), g.map((a) => a.bbox), g.map((a) => a.iscrowd));
      if (matrix.length > 0) ious.push({ image_id: imgId, category_id: catId, dtIds: d.map((a) => a.id), gtIds: g.map((a) => a.id), ious: matrix });
      prepared.set(`${imgId}:${catId}`, {
        g: g.map((a) => ({ id: a.id, area: a.area, iscrowd: a.iscrowd, ignore: gtIgnore(a, iouType) })),
        d: d.map((a) => ({ id: a.id, score: a.score as number, area: a.area })),
        ious: matrix,
      });
    }
  }

  const evalImgs: Array<EvalImg | null> = [];
  for (const catId of catIds) {
    for (const aRng of areaRng) {
      for (const imgId of imgIds) {
        const entry = prepared.get(`${imgId}:${catId}`);
        evalImgs.push(entry ? evaluateImg(imgId, catId, entry.g, entry.d, entry.ious, aRng, maxDet, iouThrs) : null);
      }
    }
  }
  return { params, evalImgs, ious };
}

/** `_gts[imgId, catId]` / `_dts[imgId, catId]`: annotations of the evaluated images and categories, file order kept. */
function groupByImageAndCategory(data: CocoDataset, imgIds: number[], catIds: number[]): Map<number, Map<number, CocoAnnotation[]>> {
  const cats = new Set(catIds);
  const out = new Map<number, Map<number, CocoAnnotation[]>>();
  for (const imgId of imgIds) {
    const byCat = new Map<number, CocoAnnotation[]>();
    for (const ann of data.annotationsOfImage(imgId)) {
      if (!cats.has(ann.category_id)) continue;
      const list = byCat.get(ann.category_id);
      if (list) list.push(ann);
      else byCat.set(ann.category_id, [ann]);
    }
    if (byCat.size > 0) out.set(imgId, byCat);
  }
  return out;
}

/** `_prepare`'s ignore flag: crowd; for keypoints also a person with `num_keypoints == 0`. */
function gtIgnore(ann: CocoAnnotation, iouType: CocoEvalParams['iouType']): boolean {
  if (iouType !== 'keypoints') return Boolean(ann.iscrowd);
  if (typeof ann.num_keypoints !== 'number') {
    throw new CocoEvalError(
      `gt annotation ${ann.id} (image ${ann.image_id}, category ${ann.category_id}) has no num_keypoints: keypoint evaluation needs keypoints and num_keypoints on every evaluated annotation (restrict catIds to keypoint categories)`,
    );
  }
  return ann.num_keypoints === 0 || Boolean(ann.iscrowd);
}

function keypointIous(d: CocoAnnotation[], g: CocoAnnotation[], sigmas: number[]): number[][] {
  for (const a of g) {
    if (!a.keypoints) {
      throw new CocoEvalError(
        `gt annotation ${a.id} (image ${a.image_id}, category ${a.category_id}) has no keypoints: keypoint evaluation needs keypoints and num_keypoints on every evaluated annotation (restrict catIds to keypoint categories)`,
      );
    }
  }
  for (const a of d) {
    if (!a.keypoints) throw new CocoEvalError(`results[${a.id - 1}] (image ${a.image_id}) has no keypoints; keypoint evaluation needs keypoint results`);
  }
  for (const [what, a] of [...g.map((x) => [`gt annotation ${x.id}`, x] as const), ...d.map((x) => [`results[${x.id - 1}]`, x] as const)]) {
    const n = (a.keypoints as number[]).length / 3;
    if (n !== sigmas.length) {
      throw new CocoEvalError(`${what} has ${n} keypoints but params.kptOksSigmas has ${sigmas.length} (COCO's 17 by default; pass one sigma per keypoint)`);
    }
  }
  return computeOks(d.map((a) => a.keypoints as number[]), g as Array<CocoAnnotation & { keypoints: number[] }>, sigmas);
}

const rleCache = new WeakMap<CocoAnnotation, Rle | RleCounts>();

/** `_toMask` + `computeIoU` for 'segm': every segmentation as RLE (`COCO.annToRLE`), then `maskUtils.iou`. */
function segmIous(d: CocoAnnotation[], g: CocoAnnotation[], gt: CocoDataset): number[][] {
  if (d.length === 0 || g.length === 0) return [];
  const rle = (a: CocoAnnotation, what: string): Rle | RleCounts => {
    let r = rleCache.get(a);
    if (!r) {
      if (a.segmentation === undefined) throw new CocoEvalError(`${what} ${a.id} (image ${a.image_id}) has no segmentation; segm evaluation needs one on every evaluated annotation`);
      const img = gt.image(a.image_id);
      if (!(Number.isInteger(img.height) && Number.isInteger(img.width))) {
        throw new CocoEvalError(`gt image ${a.image_id} needs integer height and width for segm evaluation (polygons are rasterised at that size)`);
      }
      r = segmentationToRle(a.segmentation, img.height as number, img.width as number);
      rleCache.set(a, r);
    }
    return r;
  };
  const flat = maskIou(
    d.map((a) => rle(a, 'result')),
    g.map((a) => rle(a, 'gt annotation')),
    g.map((a) => a.iscrowd),
  );
  return d.map((_, i) => Array.from(flat.subarray(i * g.length, (i + 1) * g.length)));
}
