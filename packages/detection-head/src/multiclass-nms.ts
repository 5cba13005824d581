import { batchedNms } from './nms.js';

/** Test settings of the R-CNN stage (`test_cfg.rcnn`). */
export interface RcnnTestConfig {
  scoreThr: number;
  iouThreshold: number;
  /** Detections kept per image (≤ 0: all). */
  maxPerImg: number;
}

/** Boxes (flat [M × 4]), scores and 0-based labels, score-descending. */
export interface Detections {
  bboxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/**
 * mmdet 2.x `multiclass_nms`: every (roi, class) pair with score > scoreThr becomes a candidate
 * (roi-major, class inner; the background column — the last — is dropped), per-class NMS via
 * `batchedNms`, then the top `maxPerImg`. `bboxes` is [N × 4·numClasses] (class-specific) or
 * [N × 4] (shared); `scores` is [N × (numClasses + 1)]. `allowed` restricts the candidate classes.
 */
export function multiclassNms(
  bboxes: Float32Array,
  scores: Float32Array,
  numClasses: number,
  config: RcnnTestConfig,
  allowed?: ReadonlySet<number>,
): Detections {
  const n = scores.length / (numClasses + 1);
  const perRoi = bboxes.length / n === 4 ? 1 : numClasses;
  const candBoxes: number[] = [];
  const candScores: number[] = [];
  const candLabels: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < numClasses; c++) {
      const s = scores[i * (numClasses + 1) + c];
      if (!(s > config.scoreThr) || (allowed && !allowed.has(c))) continue;
      const o = (i * perRoi + (perRoi === 1 ? 0 : c)) * 4;
      candBoxes.push(bboxes[o], bboxes[o + 1], bboxes[o + 2], bboxes[o + 3]);
      candScores.push(s);
      candLabels.push(c);
    }
  }
  return nmsDetections(Float32Array.from(candBoxes), Float32Array.from(candScores), Int32Array.from(candLabels), config);
}

/**
 * `batched_nms` over scored, labelled boxes (flat [N × 4]), then the first `maxPerImg` kept (0: all),
 * as {@link Detections} in score order: the tail that mmdet's `multiclass_nms` and the dense heads'
 * `_bbox_post_process` share.
 */
export function nmsDetections(
  boxes: Float32Array,
  scores: Float32Array,
  labels: Int32Array,
  options: { iouThreshold: number; maxPerImg: number; classAgnostic?: boolean },
): Detections {
  let keep = batchedNms(boxes, scores, labels, { iouThreshold: options.iouThreshold, classAgnostic: options.classAgnostic });
  if (options.maxPerImg > 0) keep = keep.subarray(0, options.maxPerImg);
  const out: Detections = { bboxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length), labels: new Int32Array(keep.length) };
  keep.forEach((k, j) => {
    out.bboxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * j);
    out.scores[j] = scores[k];
    out.labels[j] = labels[k];
  });
  return out;
}
