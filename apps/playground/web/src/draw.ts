/**
 * The result overlay, drawn with the same pixel functions as `pnpm demo` in Node (segmentation
 * blend, detection boxes, skeletons), so the page and Node draw identical pixels for identical
 * results. Pure RgbImage → RgbImage; only `putOnCanvas` touches the DOM.
 */
import type { RgbImage } from '@hrnetjs/core';
import { drawDetections } from '@hrnetjs/detection-head';
import { COCO_DATASET, drawPoses } from '@hrnetjs/pose-head';
import { overlay } from '@hrnetjs/seg-head';
import type { DemoResult } from '../../src/demo-model/index.js';

/** Colours per segmentation class (a class without a colour leaves the image as it is). */
export type SegPalette = ReadonlyArray<readonly [number, number, number] | undefined>;

/** The segmentation blend weight `pnpm demo` uses. */
export const SEG_ALPHA = 0.55;

/**
 * Segmentation blended in first, then boxes, then skeletons on top. Person boxes are left out when
 * their skeletons are drawn (each pose draws its own box), as in `pnpm demo`'s pose overlay.
 */
export function composeOverlay(result: Pick<DemoResult, 'image' | 'detections' | 'poses' | 'segmentation'>, palette: SegPalette): RgbImage {
  let image = result.image;
  if (result.segmentation) image = overlay(image, result.segmentation, palette as ReadonlyArray<readonly [number, number, number]>, SEG_ALPHA);
  const boxes = result.poses.length > 0 ? result.detections.filter((d) => d.label !== 'person') : result.detections;
  if (boxes.length > 0) image = drawDetections(image, boxes);
  if (result.poses.length > 0) image = drawPoses(image, result.poses, COCO_DATASET);
  return image;
}

/** RGB → RGBA ImageData (opaque). */
export function toImageData(image: RgbImage): ImageData {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    rgba[4 * p] = image.data[3 * p];
    rgba[4 * p + 1] = image.data[3 * p + 1];
    rgba[4 * p + 2] = image.data[3 * p + 2];
    rgba[4 * p + 3] = 255;
  }
  return new ImageData(rgba, image.width, image.height);
}

/** Shows `image` on the canvas at its own size (putImageData: no scaling, no colour management). */
export function putOnCanvas(canvas: HTMLCanvasElement, image: RgbImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser gives no 2D canvas context to draw the result on');
  context.putImageData(toImageData(image), 0, 0);
}
