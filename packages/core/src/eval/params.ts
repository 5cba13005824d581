import { linspace } from './numpy-math.js';

/** What is compared: boxes (IoU), instance masks (mask IoU) or keypoints (OKS). */
export type IouType = 'bbox' | 'segm' | 'keypoints';

/** COCOeval's `Params`, with its defaults per {@link IouType}. */
export interface CocoEvalParams {
  iouType: IouType;
  /** Images to evaluate (sorted, unique); default: every image of the ground truth. */
  imgIds: number[];
  /** Categories to evaluate (sorted, unique). */
  catIds: number[];
  /** IoU / OKS thresholds, default `np.linspace(.5, .95, 10)`. */
  iouThrs: number[];
  /** Recall thresholds, default `np.linspace(0, 1, 101)`. */
  recThrs: number[];
  /** Max detections per image (sorted): [1, 10, 100] for bbox, [20] for keypoints. */
  maxDets: number[];
  /** Object area ranges `[min, max]`, both ends inclusive. */
  areaRng: Array<[number, number]>;
  /** Labels of `areaRng` ('all', 'small', 'medium', 'large'); summarize() looks them up by name. */
  areaRngLbl: string[];
  /** Per-keypoint OKS sigmas (keypoints only). */
  kptOksSigmas: number[];
}

/** COCO's 17 person-keypoint OKS sigmas, `np.array([.26, .25, …]) / 10.0` as pycocotools writes them. */
export const COCO_KPT_OKS_SIGMAS: readonly number[] = [
  0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89,
].map((s) => s / 10.0);

/**
 * COCOeval's default parameters (`setDetParams` / `setKpParams`) for `iouType`; `imgIds` and
 * `catIds` are left empty for the caller (COCOeval fills them from the ground truth).
 */
export function defaultCocoEvalParams(iouType: IouType): CocoEvalParams {
  const iouThrs = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
  const recThrs = linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1);
  if (iouType === 'keypoints') {
    return {
      iouType,
      imgIds: [],
      catIds: [],
      iouThrs,
      recThrs,
      maxDets: [20],
      areaRng: [[0 ** 2, 1e5 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]],
      areaRngLbl: ['all', 'medium', 'large'],
      kptOksSigmas: [...COCO_KPT_OKS_SIGMAS],
    };
  }
  if (iouType !== 'bbox' && iouType !== 'segm') throw new Error(`iouType must be 'bbox', 'segm' or 'keypoints', got '${String(iouType)}'`);
  return {
    iouType,
    imgIds: [],
    catIds: [],
    iouThrs,
    recThrs,
    maxDets: [1, 10, 100],
    areaRng: [[0 ** 2, 1e5 ** 2], [0 ** 2, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]],
    areaRngLbl: ['all', 'small', 'medium', 'large'],
    kptOksSigmas: [...COCO_KPT_OKS_SIGMAS],
  };
}

/** `list(np.unique(ids))`: sorted ascending, duplicates removed. */
export function uniqueSorted(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
