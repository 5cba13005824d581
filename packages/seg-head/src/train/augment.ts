import { IMAGENET_MEAN, IMAGENET_STD, type RgbImage } from '@hrnetjs/core';

/** One training sample after the official `gen_sample`: normalised RGB crop and its labels. */
export interface SegTrainSample {
  /** [cropH, cropW, 3] normalised RGB, HWC. */
  image: Float32Array;
  /** [cropH, cropW] class ids (ignoreLabel in padding). */
  labels: Int32Array;
}

/** Settings of {@link augmentSegSample} (official TRAIN.* values). */
export interface SegAugmentOptions {
  /** Long side before the random scale (TRAIN.BASE_SIZE). */
  baseSize: number;
  /** Crop [height, width] (TRAIN.IMAGE_SIZE is [w, h]). */
  cropSize: [number, number];
  /** rand_scale = 0.5 + randint(0, scaleFactor) / 10 (TRAIN.SCALE_FACTOR, 16 in the configs). */
  scaleFactor: number;
  flip: boolean;
  ignoreLabel: number;
  mean?: readonly number[];
  std?: readonly number[];
}

/** Bilinear (half-pixel centres, clamped) resize of an RGB image to w×h, float output. */
function resizeImage(image: RgbImage, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h * 3);
  const sx = image.width / w;
  const sy = image.height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.max((y + 0.5) * sy - 0.5, 0);
    const y0 = Math.min(Math.floor(fy), image.height - 1);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const ay = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max((x + 0.5) * sx - 0.5, 0);
      const x0 = Math.min(Math.floor(fx), image.width - 1);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const ax = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => image.data[(yy * image.width + xx) * 3 + c];
        const top = p(y0, x0) * (1 - ax) + p(y0, x1) * ax;
        const bottom = p(y1, x0) * (1 - ax) + p(y1, x1) * ax;
        out[(y * w + x) * 3 + c] = top * (1 - ay) + bottom * ay;
      }
    }
  }
  return out;
}

/** cv2.resize INTER_NEAREST: source index floor(dst · in/out). */
function resizeLabels(labels: ArrayLike<number>, inW: number, inH: number, w: number, h: number): Int32Array {
  const out = new Int32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(Math.floor((y * inH) / h), inH - 1);
    for (let x = 0; x < w; x++) out[y * w + x] = labels[sy * inW + Math.min(Math.floor((x * inW) / w), inW - 1)];
  }
  return out;
}

/**
 * The official training augmentation (`gen_sample` + `multi_scale_aug` + `rand_crop`): random
 * long-side scale 0.5…(0.5 + scaleFactor/10) × baseSize, pad to the crop size (image black,
 * labels ignoreLabel), random crop, random horizontal flip, then ImageNet normalisation.
 */
export function augmentSegSample(image: RgbImage, labels: ArrayLike<number>, options: SegAugmentOptions, random: () => number): SegTrainSample {
  const randint = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const scale = 0.5 + randint(0, options.scaleFactor) / 10;
  const longSize = Math.trunc(options.baseSize * scale + 0.5);
  const { width, height } = image;
  const [newW, newH] =
    height > width ? [Math.trunc((width * longSize) / height + 0.5), longSize] : [longSize, Math.trunc((height * longSize) / width + 0.5)];
  const resized = resizeImage(image, newW, newH);
  const resizedLabels = resizeLabels(labels, width, height, newW, newH);
  const [cropH, cropW] = options.cropSize;
  const padW = Math.max(newW, cropW);
  const padH = Math.max(newH, cropH);
  const x0 = randint(0, padW - cropW);
  const y0 = randint(0, padH - cropH);
  const flip = options.flip && random() < 0.5;
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  const out: SegTrainSample = { image: new Float32Array(cropW * cropH * 3), labels: new Int32Array(cropW * cropH) };
  for (let y = 0; y < cropH; y++) {
    for (let x = 0; x < cropW; x++) {
      const sx = x0 + (flip ? cropW - 1 - x : x);
      const sy = y0 + y;
      const inside = sx < newW && sy < newH;
      const o = y * cropW + x;
      out.labels[o] = inside ? resizedLabels[sy * newW + sx] : options.ignoreLabel;
      for (let c = 0; c < 3; c++) {
        const v = inside ? resized[(sy * newW + sx) * 3 + c] : 0;
        out.image[o * 3 + c] = (v / 255 - mean[c]) / std[c];
      }
    }
  }
  return out;
}

