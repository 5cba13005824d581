import type { RgbImage } from '@hrnetjs/core';
import { type AffineMatrix, warpAffine } from '@hrnetjs/core/ops';
import { type Point, solveAffineFromPoints } from '../affine-transform.js';

const f32 = Math.fround;

/** Center, scale (units of 200 px, float64 as in the official numpy code) and the resized size [w, h]. */
export interface MultiScaleSize {
  size: [number, number];
  center: [number, number];
  scale: [number, number];
}

/**
 * `get_multi_scale_size` (HigherHRNet lib/utils/transforms.py): the short side is
 * `ceil64(minScale · inputSize) · currentScale / minScale`, the long side keeps the aspect ratio
 * rounded up to /64 at the smallest scale; center and scale describe the whole image.
 */
export function getMultiScaleSize(
  width: number,
  height: number,
  inputSize: number,
  currentScale: number,
  minScale: number,
): MultiScaleSize {
  const w = width;
  const h = height;
  const center: [number, number] = [Math.trunc(w / 2.0 + 0.5), Math.trunc(h / 2.0 + 0.5)];
  const minInputSize = Math.trunc(Math.floor((minScale * inputSize + 63) / 64) * 64);
  let wResized: number;
  let hResized: number;
  let scaleW: number;
  let scaleH: number;
  if (w < h) {
    wResized = Math.trunc((minInputSize * currentScale) / minScale);
    hResized = Math.trunc((Math.trunc(Math.floor(((minInputSize / w) * h + 63) / 64) * 64) * currentScale) / minScale);
    scaleW = w / 200.0;
    scaleH = ((hResized / wResized) * w) / 200.0;
  } else {
    hResized = Math.trunc((minInputSize * currentScale) / minScale);
    wResized = Math.trunc((Math.trunc(Math.floor(((minInputSize / h) * w + 63) / 64) * 64) * currentScale) / minScale);
    scaleH = h / 200.0;
    scaleW = ((wResized / hResized) * h) / 200.0;
  }
  return { size: [wResized, hResized], center, scale: [scaleW, scaleH] };
}

/** `get_3rd_point` on float32 points. */
function third(a: Point, b: Point): Point {
  const dx = f32(a[0] - b[0]);
  const dy = f32(a[1] - b[1]);
  return [f32(b[0] - dy), f32(b[1] + dx)];
}

/**
 * HigherHRNet's `get_affine_transform(center, scale, 0, output_size, inv)`: like the top-down one,
 * but `scale` is a float64 array here, so `scale · 200` is not rounded to float32 first.
 */
export function higherAffineTransform(
  center: readonly [number, number],
  scale: readonly [number, number],
  outputSize: readonly [number, number],
  inv = false,
): AffineMatrix {
  const srcW = scale[0] * 200.0;
  const [dstW, dstH] = outputSize;
  const src0: Point = [f32(center[0]), f32(center[1])];
  const src1: Point = [f32(center[0] + 0), f32(center[1] + srcW * -0.5)];
  const dst0: Point = [f32(dstW * 0.5), f32(dstH * 0.5)];
  const dst1: Point = [f32(dstW * 0.5), f32(dstH * 0.5 + f32(dstW * -0.5))];
  const src = [src0, src1, third(src0, src1)];
  const dst = [dst0, dst1, third(dst0, dst1)];
  return inv ? solveAffineFromPoints(dst, src) : solveAffineFromPoints(src, dst);
}

/**
 * `resize_align_multi_scale`: the image warped (cv2.warpAffine, bilinear, black border) to the
 * size of `currentScale`, with its center and scale.
 */
export function resizeAlignMultiScale(
  image: RgbImage,
  inputSize: number,
  currentScale: number,
  minScale: number,
): MultiScaleSize & { image: RgbImage } {
  const ms = getMultiScaleSize(image.width, image.height, inputSize, currentScale, minScale);
  const trans = higherAffineTransform(ms.center, ms.scale, ms.size);
  return { ...ms, image: warpAffine(image, trans, ms.size[0], ms.size[1]) };
}
