/** COCO-format JSON shapes read by the evaluator (the fields COCOeval uses; others pass through). */

/** One entry of `images`. */
export interface CocoImage {
  id: number;
  [key: string]: unknown;
}

/** One entry of `categories`; person categories carry the keypoint names. */
export interface CocoCategory {
  id: number;
  name?: string;
  keypoints?: string[];
  [key: string]: unknown;
}

/** One ground-truth annotation (or one result after {@link loadRes} filled it in). */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** `[x, y, width, height]` in pixels. */
  bbox: number[];
  /** Object area; for ground truth COCO's segment area (not `w * h`), which decides small/medium/large. */
  area: number;
  /** 1 for a crowd region: it can absorb any number of detections, which are then ignored. */
  iscrowd: number | boolean;
  /** `[x1, y1, v1, x2, y2, v2, …]`; v = 0 unlabelled, 1 labelled but hidden, 2 visible. */
  keypoints?: number[];
  /** Labelled keypoints (v > 0); 0 makes a person ignored in keypoint evaluation. */
  num_keypoints?: number;
  /** Detection confidence (results only). */
  score?: number;
  [key: string]: unknown;
}

/** A COCO ground-truth file: `{ images, annotations, categories }`. */
export interface CocoGroundTruthJson {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  [key: string]: unknown;
}

/**
 * One detection / pose result as submitted to COCO: `{ image_id, category_id, score }` plus `bbox`
 * (`[x, y, w, h]`) or `keypoints` (`[x, y, c] × K`).
 */
export interface CocoResult {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: number[];
  keypoints?: number[];
  [key: string]: unknown;
}

/** A COCO evaluation input that is malformed or inconsistent; the message names the field. */
export class CocoEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CocoEvalError';
  }
}
