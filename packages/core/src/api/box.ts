/**
 * One box shape for every task (detections, pose person boxes, results.json, CLI `--json`): the
 * corners in image pixels, as Transformers.js and mmdet's `[x1, y1, x2, y2]` use them.
 */
export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  /** Detector confidence, when the box came from a detector. */
  score?: number;
}

/** One keypoint in image pixels; `score` is the network's confidence (heatmap maximum). */
export interface Keypoint {
  name: string;
  x: number;
  y: number;
  score: number;
}

/** `[x, y, width, height]` (COCO results' `bbox`) → {@link Box}. */
export function boxFromXywh([x, y, width, height]: readonly number[], score?: number): Box {
  const box: Box = { xmin: x, ymin: y, xmax: x + width, ymax: y + height };
  if (score !== undefined) box.score = score;
  return box;
}

/** {@link Box} → `[x, y, width, height]` (COCO results' `bbox`, width = xmax − xmin). */
export function boxToXywh(box: Box): [number, number, number, number] {
  return [box.xmin, box.ymin, box.xmax - box.xmin, box.ymax - box.ymin];
}

/** Throws a readable error unless `box` is a finite box with xmax > xmin and ymax > ymin. */
export function validateBox(box: unknown, what = 'box'): asserts box is Box {
  const b = box as Partial<Box> | null;
  const finite = b !== null && typeof b === 'object' && [b.xmin, b.ymin, b.xmax, b.ymax].every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!finite) throw new Error(`${what} must be {xmin, ymin, xmax, ymax[, score]} with finite numbers, got ${JSON.stringify(box)}`);
  if (!(b.xmax! > b.xmin! && b.ymax! > b.ymin!)) throw new Error(`${what} needs xmax > xmin and ymax > ymin, got ${JSON.stringify(box)}`);
  if (b.score !== undefined && !(typeof b.score === 'number' && Number.isFinite(b.score))) throw new Error(`${what}.score must be a finite number, got ${b.score}`);
}
