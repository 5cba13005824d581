/** A ground truth as evaluateImg sees it. */
export interface EvalGt {
  id: number;
  area: number;
  iscrowd: number | boolean;
  /** crowd, or (keypoints) a person with no labelled keypoint. */
  ignore: boolean;
}

/** A detection as evaluateImg sees it. */
export interface EvalDt {
  id: number;
  score: number;
  area: number;
}

/** COCOeval's per (image, category, area range) record: the layout of `COCOeval.evalImgs`. */
export interface EvalImg {
  image_id: number;
  category_id: number;
  aRng: [number, number];
  maxDet: number;
  /** Detection ids, highest score first, at most `maxDet`. */
  dtIds: number[];
  /** Ground-truth ids, ignored ones last. */
  gtIds: number[];
  /** `[T][D]`: id of the matched ground truth per IoU threshold, 0 if unmatched. */
  dtMatches: number[][];
  /** `[T][G]`: id of the matched detection per IoU threshold, 0 if unmatched. */
  gtMatches: number[][];
  dtScores: number[];
  /** `[G]`: 1 when the ground truth is ignored (crowd, no keypoints, or area outside the range). */
  gtIgnore: number[];
  /** `[T][D]`: 1 when the detection matched an ignored ground truth or is unmatched and outside the range. */
  dtIgnore: number[][];
}

/**
 * COCOeval's `evaluateImg` for one image and category: greedy matching, per IoU threshold, of
 * detections (highest score first) to ground truths. A detection takes the best-IoU ground truth
 * still free (crowd ground truths never become busy) with IoU >= the threshold; ignored ground
 * truths are sorted last and only taken when no regular one qualifies.
 *
 * @param dts detections sorted by score (stable, highest first), exactly the rows of `ious`.
 * @param ious `[D][G]` in the order of `gts` (as computed), `[]` when either side is empty.
 * @returns `null` when the image has neither ground truths nor detections (as pycocotools).
 */
export function evaluateImg(
  imageId: number,
  categoryId: number,
  gts: readonly EvalGt[],
  dts: readonly EvalDt[],
  ious: readonly (readonly number[])[],
  aRng: [number, number],
  maxDet: number,
  iouThrs: readonly number[],
): EvalImg | null {
  if (gts.length === 0 && dts.length === 0) return null;
  const outside = (area: number) => area < aRng[0] || area > aRng[1];
  const ignoreFlags = gts.map((g) => (g.ignore || outside(g.area) ? 1 : 0));
  // Stable argsort of the ignore flags: regular ground truths first, file order kept.
  const gtind = gts.map((_, i) => i).sort((a, b) => ignoreFlags[a] - ignoreFlags[b]);
  const gt = gtind.map((i) => gts[i]);
  const gtIg = gtind.map((i) => ignoreFlags[i]);
  const dt = dts.slice(0, maxDet);
  const T = iouThrs.length;
  const G = gt.length;
  const D = dt.length;
  const gtm = Array.from({ length: T }, () => new Array<number>(G).fill(0));
  const dtm = Array.from({ length: T }, () => new Array<number>(D).fill(0));
  const dtIg = Array.from({ length: T }, () => new Array<number>(D).fill(0));
  if (ious.length > 0) {
    for (let tind = 0; tind < T; tind++) {
      for (let dind = 0; dind < D; dind++) {
        const row = ious[dind];
        let iou = Math.min(iouThrs[tind], 1 - 1e-10);
        let m = -1;
        for (let gind = 0; gind < G; gind++) {
          // Already matched and not a crowd: taken.
          if (gtm[tind][gind] > 0 && !gt[gind].iscrowd) continue;
          // Matched to a regular gt and reached the ignored ones: stop.
          if (m > -1 && gtIg[m] === 0 && gtIg[gind] === 1) break;
          const value = row[gtind[gind]];
          if (value < iou) continue;
          iou = value;
          m = gind;
        }
        if (m === -1) continue;
        dtIg[tind][dind] = gtIg[m];
        dtm[tind][dind] = gt[m].id;
        gtm[tind][m] = dt[dind].id;
      }
    }
  }
  // Unmatched detections outside the area range are ignored (their area decides, as for gts).
  for (let dind = 0; dind < D; dind++) {
    if (!outside(dt[dind].area)) continue;
    for (let tind = 0; tind < T; tind++) if (dtm[tind][dind] === 0) dtIg[tind][dind] = 1;
  }
  return {
    image_id: imageId,
    category_id: categoryId,
    aRng,
    maxDet,
    dtIds: dt.map((d) => d.id),
    gtIds: gt.map((g) => g.id),
    dtMatches: dtm,
    gtMatches: gtm,
    dtScores: dt.map((d) => d.score),
    gtIgnore: gtIg,
    dtIgnore: dtIg,
  };
}
