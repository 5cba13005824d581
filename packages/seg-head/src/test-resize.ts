import * as tf from '@tensorflow/tfjs-core';
import type { RgbImage } from '@hrnetjs/core';
import { cvRound, resizeBilinearLikeTorch, resizeBilinearUint8 } from '@hrnetjs/core/ops';

/**
 * What the official dataset class does to a test image before `multi_scale_inference`
 * (its `__getitem__` for the `testval` split, HRNet-OCR branch `lib/datasets`):
 * - `none` (Cityscapes): the image as it is;
 * - `short-side` (ADE20K, PASCAL-Context, COCO-Stuff): `resize_short_length` — short side to
 *   `TEST.BASE_SIZE`, the other int(side·base/short + 0.5), then pad bottom/right to a multiple of
 *   `stride` with the mean colour; `cropPadding`: testval crops that padding off the prediction
 *   (PASCAL-Context, COCO-Stuff return it; ADE20K does not, so its padded prediction is resized to
 *   the image size as it is);
 * - `crop-size` (LIP): `cv2.resize(image, crop_size)`, where crop_size is (TEST.IMAGE_SIZE[1],
 *   TEST.IMAGE_SIZE[0]) = (h, w) but cv2 reads it as (width, height) — the same for the square 473.
 * Every resize is OpenCV's uint8 INTER_LINEAR on the decoded image. Afterwards testval resizes the
 * prediction bilinearly (MODEL.ALIGN_CORNERS) to the image size.
 */
export type TestResize = { kind: 'none' } | { kind: 'short-side'; stride: number; cropPadding: boolean } | { kind: 'crop-size' };

/** The test image after {@link prepareTestImage}: pixels and the bottom / right padding added. */
export interface PreparedTestImage {
  image: RgbImage;
  padBottom: number;
  padRight: number;
}

/** `cv2.copyMakeBorder(…, 0, bottom, 0, right, BORDER_CONSTANT, value)` on an RGB image. */
function padImage(image: RgbImage, bottom: number, right: number, rgb: readonly number[]): RgbImage {
  if (bottom === 0 && right === 0) return image;
  const width = image.width + right;
  const height = image.height + bottom;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), y * width * 3);
  return { width, height, data };
}

/**
 * The dataset's test-time resize of an 8-bit RGB image. `cropSize` is [height, width]
 * (TEST.IMAGE_SIZE reversed); `mean` is the normalisation mean (the pad colour is mean·255,
 * rounded as cv2 saturates it into uint8).
 */
export function prepareTestImage(
  image: RgbImage,
  resize: TestResize,
  baseSize: number,
  cropSize: [number, number],
  mean: readonly [number, number, number],
): PreparedTestImage {
  if (resize.kind === 'none') return { image, padBottom: 0, padRight: 0 };
  if (resize.kind === 'crop-size') {
    // cv2.resize(image, (crop_h, crop_w)): width = crop_h, height = crop_w.
    return { image: resizeBilinearUint8(image, cropSize[0], cropSize[1]), padBottom: 0, padRight: 0 };
  }
  const { width: w, height: h } = image;
  const [newH, newW] = h < w ? [baseSize, Math.trunc((w * baseSize) / h + 0.5)] : [Math.trunc((h * baseSize) / w + 0.5), baseSize];
  const resized = resizeBilinearUint8(image, newW, newH);
  const padRight = newW % resize.stride === 0 ? 0 : resize.stride - (newW % resize.stride);
  const padBottom = newH % resize.stride === 0 ? 0 : resize.stride - (newH % resize.stride);
  const colour = mean.map((m) => Math.min(255, Math.max(0, cvRound(m * 255))));
  return { image: padImage(resized, padBottom, padRight, colour), padBottom, padRight };
}

/**
 * testval's tail: crop the padding off (when the dataset returns it) and resize the summed
 * prediction [1, h, w, K] bilinearly to height × width. Returns `pred` itself when nothing changes;
 * otherwise a new tensor (the caller still owns `pred`).
 */
export function restorePrediction(
  pred: tf.Tensor4D,
  prepared: PreparedTestImage,
  resize: TestResize,
  height: number,
  width: number,
  alignCorners: boolean,
): tf.Tensor4D {
  return tf.tidy(() => {
    let out = pred;
    const [, h, w, k] = pred.shape;
    if (resize.kind === 'short-side' && resize.cropPadding && (prepared.padBottom > 0 || prepared.padRight > 0)) {
      out = tf.slice(out, [0, 0, 0, 0], [1, h - prepared.padBottom, w - prepared.padRight, k]);
    }
    if (out.shape[1] !== height || out.shape[2] !== width) out = resizeBilinearLikeTorch(out, height, width, alignCorners);
    return out === pred ? pred : out;
  });
}
