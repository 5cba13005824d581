import { CocoDataset } from './coco-dataset.js';
import { type CocoAnnotation, CocoEvalError } from './coco-types.js';
import { maskArea, maskToBbox } from './mask.js';
import { describeValue, expectArray, expectBox, expectKeypoints, expectNumber, expectObject } from './validate-json.js';

/**
 * pycocotools' `COCO.loadRes`: turns a results list into a dataset over the ground truth's images.
 *
 * As the official code, the kind of results is decided by the FIRST entry: a non-empty `bbox`
 * makes every entry a box (`area = w * h`, `iscrowd = 0`); otherwise `keypoints` makes every entry
 * a pose whose `bbox` is the extent of all its keypoints and `area` that box's `w * h`. Ids are
 * file index + 1. Results on an image the ground truth does not have fail as pycocotools asserts
 * ("Results do not correspond to current coco set"). An empty list is accepted (no detections).
 * The input objects are not modified.
 */
export function loadRes(gt: CocoDataset, results: unknown): CocoDataset {
  const list = expectArray(results, 'results', 'result objects ({image_id, category_id, score, bbox | keypoints})');
  const records = list.map((r, i) => expectObject(r, `results[${i}]`));
  const anns: CocoAnnotation[] = [];
  if (records.length > 0) {
    const first = records[0];
    const isBox = Array.isArray(first.bbox) && first.bbox.length > 0;
    const isSegm = !isBox && first.segmentation !== undefined;
    if (!isBox && !isSegm && first.keypoints === undefined) {
      throw new CocoEvalError(
        `results[0] must carry a non-empty bbox [x, y, w, h], a segmentation (RLE) or keypoints [x, y, c, …]; it has ${describeValue(first.bbox)} as bbox and no keypoints`,
      );
    }
    records.forEach((record, i) => {
      const where = `results[${i}]`;
      for (const field of ['image_id', 'category_id', 'score']) expectNumber(record, field, where);
      anns.push(isBox ? boxResult(record, i, where) : isSegm ? segmResult(record, i, where) : keypointResult(record, i, where));
    });
  }
  const missing = [...new Set(anns.map((a) => a.image_id).filter((id) => !gt.hasImage(id)))];
  if (missing.length > 0) {
    throw new CocoEvalError(
      `Results do not correspond to current coco set: ${missing.length} result image id(s) are not images of the ground truth ` +
        `(${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`,
    );
  }
  return new CocoDataset(gt.images, anns, gt.categories);
}

function boxResult(record: Record<string, unknown>, index: number, where: string): CocoAnnotation {
  const bb = expectBox(record, where);
  // loadRes gives box results without a segmentation the box as a polygon (used by segm evaluation).
  const [x1, y1] = [bb[0], bb[1]];
  const [x2, y2] = [bb[0] + bb[2], bb[1] + bb[3]];
  const segmentation = record.segmentation === undefined ? [[x1, y1, x1, y2, x2, y2, x2, y1]] : record.segmentation;
  return { ...record, bbox: bb, area: bb[2] * bb[3], id: index + 1, iscrowd: 0, segmentation } as unknown as CocoAnnotation;
}

/** Mask results: compressed RLE only (as pycocotools), `area` = pixel count, `bbox` from the mask unless given. */
function segmResult(record: Record<string, unknown>, index: number, where: string): CocoAnnotation {
  const seg = record.segmentation as { size?: unknown; counts?: unknown } | null;
  if (!seg || typeof seg !== 'object' || typeof seg.counts !== 'string' || !Array.isArray(seg.size) || seg.size.length !== 2) {
    throw new CocoEvalError(`${where}.segmentation must be a compressed RLE {size: [h, w], counts: string}, got ${describeValue(record.segmentation)}`);
  }
  const rle = { size: [seg.size[0], seg.size[1]] as [number, number], counts: seg.counts };
  const bbox = record.bbox === undefined ? maskToBbox(rle) : expectBox(record, where);
  return { ...record, area: maskArea(rle), bbox, id: index + 1, iscrowd: 0 } as CocoAnnotation;
}

function keypointResult(record: Record<string, unknown>, index: number, where: string): CocoAnnotation {
  const kps = expectKeypoints(record, where);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  // np.min / np.max over every keypoint, whatever its confidence, as loadRes does.
  for (let k = 0; k < kps.length; k += 3) {
    x0 = Math.min(x0, kps[k]);
    x1 = Math.max(x1, kps[k]);
    y0 = Math.min(y0, kps[k + 1]);
    y1 = Math.max(y1, kps[k + 1]);
  }
  return { ...record, keypoints: kps, area: (x1 - x0) * (y1 - y0), id: index + 1, bbox: [x0, y0, x1 - x0, y1 - y0], iscrowd: 0 } as CocoAnnotation;
}
