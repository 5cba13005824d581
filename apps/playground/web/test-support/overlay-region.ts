/** Where the result overlay may change pixels (tests only): coloured segmentation, boxes and skeletons, with a margin. */
import type { DemoResult } from '../../src/demo-model/index.js';
import type { SegPalette } from '../src/draw.js';

type Rect = { x0: number; y0: number; x1: number; y1: number };

function fill(mask: Uint8Array, width: number, height: number, r: Rect): void {
  for (let y = Math.max(0, Math.floor(r.y0)); y <= Math.min(height - 1, Math.ceil(r.y1)); y++) {
    for (let x = Math.max(0, Math.floor(r.x0)); x <= Math.min(width - 1, Math.ceil(r.x1)); x++) mask[y * width + x] = 1;
  }
}

const grow = (r: Rect, m: number): Rect => ({ x0: r.x0 - m, y0: r.y0 - m, x1: r.x1 + m, y1: r.y1 + m });

/**
 * 1 where the overlay of `result` may differ from the image: pixels whose class has a palette
 * colour, each detection box and pose box, and each pose's keypoint extent (skeleton discs reach
 * 4 px further), every shape grown by `margin` px.
 */
export function overlayRegion(result: DemoResult, palette: SegPalette, margin: number): Uint8Array {
  const { width, height } = result.image;
  const mask = new Uint8Array(width * height);
  if (result.segmentation) result.segmentation.labels.forEach((label, p) => palette[label] && (mask[p] = 1));
  for (const d of result.detections) fill(mask, width, height, grow({ x0: d.box.xmin, y0: d.box.ymin, x1: d.box.xmax, y1: d.box.ymax }, margin));
  for (const pose of result.poses) {
    fill(mask, width, height, grow({ x0: pose.box.xmin, y0: pose.box.ymin, x1: pose.box.xmax, y1: pose.box.ymax }, margin));
    const xs = pose.keypoints.map((k) => k.x);
    const ys = pose.keypoints.map((k) => k.y);
    fill(mask, width, height, grow({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) }, 4 + margin));
  }
  return mask;
}

/** 1 inside any detection box (not grown). */
export function boxesMask(result: DemoResult): Uint8Array {
  const { width, height } = result.image;
  const mask = new Uint8Array(width * height);
  for (const d of result.detections) fill(mask, width, height, { x0: d.box.xmin, y0: d.box.ymin, x1: d.box.xmax, y1: d.box.ymax });
  return mask;
}
