import { ImageInputError, type ModelConfig, type RgbImage } from '@hrnetjs/core';
import { resizeBilinearUint8 } from '@hrnetjs/core/ops';
import type { ImageMeta } from './faster-rcnn-config.js';

const f32 = Math.fround;

/** mmdet's test pipeline for one scale: Resize → Normalize → Pad (no flip). */
export interface DetectionPipelineConfig {
  /** `img_scale` (long edge, short edge) for keep-ratio resizing, or (width, height) without. */
  imgScale: [number, number];
  keepRatio: boolean;
  /** RGB mean / std in 0..255 pixel units (`img_norm_cfg`, to_rgb true). */
  mean: [number, number, number];
  std: [number, number, number];
  /** Pad bottom/right with zeros to a multiple of this (`Pad(size_divisor=32)`). */
  sizeDivisor: number;
  /**
   * false: the network takes BGR (mmdet `Normalize(to_rgb=False)` on the BGR image mmcv loads, as
   * the FCOS-HRNet configs): input channel c holds colour 2 − c, and `mean` / `std` are in that
   * (network) order. Default true (RGB).
   */
  toRgb?: boolean;
}

/** The test pipeline of mmdet's `coco_detection.py`, used by every HRNet Faster R-CNN config. */
export const MMDET_TEST_PIPELINE: Readonly<DetectionPipelineConfig> = Object.freeze<DetectionPipelineConfig>({
  imgScale: [1333, 800],
  keepRatio: true,
  mean: [123.675, 116.28, 103.53],
  std: [58.395, 57.12, 57.375],
  sizeDivisor: 32,
});

/** 0..1 normalisation of a config → mmdet's 0..255 units (rounded to 1e-6, so 0.485 gives exactly 123.675). */
function to255(values: readonly number[]): [number, number, number] {
  const [a, b, c] = values.map((v) => Math.round(v * 255 * 1e6) / 1e6);
  return [a, b, c];
}

/**
 * The test pipeline a model config describes: `config.test` (the mmdet `test_pipeline`'s Resize /
 * Pad, or the preset's) and `config.input` normalisation (`img_norm_cfg`), else mmdet's
 * `coco_detection.py` values.
 */
export function detectionPipelineFromConfig(config: Pick<ModelConfig, 'input' | 'test'>): DetectionPipelineConfig {
  const test = config.test ?? {};
  return {
    imgScale: test.imgScale ? [test.imgScale[0], test.imgScale[1]] : [...MMDET_TEST_PIPELINE.imgScale],
    keepRatio: test.keepRatio ?? MMDET_TEST_PIPELINE.keepRatio,
    mean: config.input.mean ? to255(config.input.mean) : [...MMDET_TEST_PIPELINE.mean],
    std: config.input.std ? to255(config.input.std) : [...MMDET_TEST_PIPELINE.std],
    sizeDivisor: test.sizeDivisor ?? MMDET_TEST_PIPELINE.sizeDivisor,
  };
}

/**
 * `mmcv.rescale_size`: the largest size with the same aspect ratio inside `scale` (long edge ≤
 * max(scale), short edge ≤ min(scale)); sizes round half up. Returns [width, height].
 */
export function rescaleSize(width: number, height: number, scale: readonly [number, number]): [number, number] {
  const factor = Math.min(Math.max(...scale) / Math.max(width, height), Math.min(...scale) / Math.min(width, height));
  return [Math.trunc(width * factor + 0.5), Math.trunc(height * factor + 0.5)];
}

/**
 * mmcv `imnormalize` as a table: value of channel c for pixel value v, float32 (v − mean) / std —
 * bit-identical to OpenCV's subtract + multiply-by-1/std path on these inputs.
 */
export function normalizeLut(mean: readonly number[], std: readonly number[]): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const m = f32(mean[c]);
    const s = f32(std[c]);
    return Float32Array.from({ length: 256 }, (_, v) => f32(f32(v - m) / s));
  });
}

/** A network input on the host: NHWC float32 [1, H, W, 3] values and the image's meta. */
export interface DetectionInput {
  data: Float32Array;
  shape: [1, number, number, 3];
  meta: ImageMeta;
}

/**
 * mmdet 2.x test pipeline for one RGB image: keep-ratio resize into `imgScale` with OpenCV's
 * uint8 bilinear (exactly as `cv2.resize`), normalisation (in BGR channel order when `toRgb` is
 * false), zero padding to a multiple of `sizeDivisor`. `meta.scaleFactor` is float32 [w, h, w, h] = new size / original size per axis.
 */
export function preprocessForDetection(image: RgbImage, config: DetectionPipelineConfig = MMDET_TEST_PIPELINE): DetectionInput {
  if (image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 3) {
    throw new ImageInputError(`detection input must be ${image.width}×${image.height}×3 RGB bytes, got ${image.data.length}`);
  }
  const [newW, newH] = config.keepRatio ? rescaleSize(image.width, image.height, config.imgScale) : config.imgScale;
  const resized = resizeBilinearUint8(image, newW, newH);
  const div = config.sizeDivisor;
  const padH = div > 0 ? Math.ceil(newH / div) * div : newH;
  const padW = div > 0 ? Math.ceil(newW / div) * div : newW;
  const lut = normalizeLut(config.mean, config.std);
  const [c0, c2] = config.toRgb === false ? [2, 0] : [0, 2];
  const data = new Float32Array(padH * padW * 3);
  for (let y = 0; y < newH; y++) {
    for (let x = 0; x < newW; x++) {
      const s = (y * newW + x) * 3;
      const d = (y * padW + x) * 3;
      data[d] = lut[0][resized.data[s + c0]];
      data[d + 1] = lut[1][resized.data[s + 1]];
      data[d + 2] = lut[2][resized.data[s + c2]];
    }
  }
  const sx = f32(newW / image.width);
  const sy = f32(newH / image.height);
  return {
    data,
    shape: [1, padH, padW, 3],
    meta: { imgShape: [newH, newW], scaleFactor: [sx, sy, sx, sy], oriShape: [image.height, image.width], padShape: [padH, padW] },
  };
}
