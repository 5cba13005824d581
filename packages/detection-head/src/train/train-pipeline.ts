import type { RgbImage } from '@hrnetjs/core';
import type { ImageMeta } from '../faster-rcnn-config.js';
import { type DetectionPipelineConfig, MMDET_TEST_PIPELINE, preprocessForDetection } from '../preprocess.js';
import { transformGtMasks } from './mask-pipeline.js';
import type { GtMasks } from './mask-targets.js';

/** An annotated training image: boxes [x1, y1, x2, y2] in pixels and 0-based class labels. */
export interface DetectionExample {
  image: RgbImage;
  boxes: ReadonlyArray<readonly [number, number, number, number]>;
  labels: readonly number[];
  /** Instance masks for Mask R-CNN: one row-major 0/1 bitmap of the image per box. */
  masks?: readonly Uint8Array[];
}

/** mmdet's train pipeline: Resize (keep ratio) → RandomFlip → Normalize → Pad. */
export interface DetectionTrainPipelineConfig extends DetectionPipelineConfig {
  /** Probability of a horizontal flip (0.5 in mmdet's coco_detection.py). */
  flipRatio: number;
}

/** The train pipeline of mmdet's `coco_detection.py`. */
export const MMDET_TRAIN_PIPELINE: Readonly<DetectionTrainPipelineConfig> = Object.freeze({ ...MMDET_TEST_PIPELINE, flipRatio: 0.5 });

/** One image after the pipeline: padded NHWC values, its meta and its gt in network coordinates. */
export interface DetectionTrainSample {
  data: Float32Array;
  /** Padded [height, width]. */
  shape: [number, number];
  meta: ImageMeta & { padShape: [number, number]; flip: boolean };
  gtBboxes: Float32Array;
  gtLabels: Int32Array;
  /** The example's masks through the same resize / flip / pad (when it has masks). */
  gtMasks?: GtMasks;
}

/**
 * Checks an example and keeps the boxes mmdet's `CocoDataset._parse_ann_info` keeps (width and
 * height ≥ 1, overlapping the image). Malformed input throws with what was expected.
 */
export function validGroundTruth(example: DetectionExample, numClasses: number, index = 0): { boxes: Float32Array; labels: Int32Array; masks?: Uint8Array[] } {
  const { image, boxes, labels } = example;
  if (!image || image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 3) {
    throw new Error(`trainDetector: example ${index} needs an RGB image (width × height × 3 bytes)`);
  }
  if (boxes.length !== labels.length) throw new Error(`trainDetector: example ${index} has ${boxes.length} boxes but ${labels.length} labels`);
  const keptBoxes: number[] = [];
  const keptLabels: number[] = [];
  const keptMasks: Uint8Array[] = [];
  if (example.masks && example.masks.length !== boxes.length) throw new Error(`trainDetector: example ${index} has ${boxes.length} boxes but ${example.masks.length} masks`);
  boxes.forEach((b, i) => {
    if (b.length !== 4 || !b.every(Number.isFinite) || b[2] < b[0] || b[3] < b[1]) {
      throw new Error(`trainDetector: example ${index} box ${i} must be finite [x1, y1, x2, y2] with x2 ≥ x1, y2 ≥ y1; got [${b.join(', ')}]`);
    }
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`trainDetector: example ${index} label ${i} is ${label}; expected an integer class index in [0, ${numClasses})`);
    }
    const interW = Math.max(0, Math.min(b[2], image.width) - Math.max(b[0], 0));
    const interH = Math.max(0, Math.min(b[3], image.height) - Math.max(b[1], 0));
    if (interW * interH === 0 || b[2] - b[0] < 1 || b[3] - b[1] < 1) return;
    keptBoxes.push(...b);
    keptLabels.push(label);
    if (example.masks) keptMasks.push(example.masks[i]);
  });
  return { boxes: Float32Array.from(keptBoxes), labels: Int32Array.from(keptLabels), ...(example.masks ? { masks: keptMasks } : {}) };
}

/**
 * mmdet's train pipeline for one image: keep-ratio resize (OpenCV bilinear, as the test path),
 * boxes scaled and clipped to the resized image, horizontal flip with probability flipRatio
 * (x → w − x on the resized image), normalisation, zero padding to a multiple of sizeDivisor;
 * instance masks (if any) go through the same resize (nearest), flip and padding.
 */
export function prepareTrainSample(
  image: RgbImage,
  gt: { boxes: Float32Array; labels: Int32Array; masks?: readonly Uint8Array[] },
  config: DetectionTrainPipelineConfig,
  random: () => number,
): DetectionTrainSample {
  const input = preprocessForDetection(image, config);
  const [, padH, padW] = input.shape;
  const [h, w] = input.meta.imgShape;
  const sf = input.meta.scaleFactor;
  const flip = config.flipRatio > 0 && random() < config.flipRatio;
  const boxes = new Float32Array(gt.boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const x1 = Math.min(Math.max(Math.fround(gt.boxes[i] * sf[0]), 0), w);
    const y1 = Math.min(Math.max(Math.fround(gt.boxes[i + 1] * sf[1]), 0), h);
    const x2 = Math.min(Math.max(Math.fround(gt.boxes[i + 2] * sf[2]), 0), w);
    const y2 = Math.min(Math.max(Math.fround(gt.boxes[i + 3] * sf[3]), 0), h);
    boxes.set(flip ? [w - x2, y1, w - x1, y2] : [x1, y1, x2, y2], i);
  }
  const data = input.data;
  if (flip) {
    // Flip the resized image only: padding comes after the flip in mmdet's pipeline.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w >> 1; x++) {
        const a = (y * padW + x) * 3;
        const b = (y * padW + (w - 1 - x)) * 3;
        for (let c = 0; c < 3; c++) [data[a + c], data[b + c]] = [data[b + c], data[a + c]];
      }
    }
  }
  const gtMasks = gt.masks ? transformGtMasks(gt.masks, image.width, image.height, [h, w], [padH, padW], flip) : undefined;
  return { data, shape: [padH, padW], meta: { ...input.meta, padShape: [padH, padW], flip }, gtBboxes: boxes, gtLabels: gt.labels.slice(), ...(gtMasks ? { gtMasks } : {}) };
}

/** mmcv `collate` of padded images: zero-pads every sample to the batch's largest size → NHWC values. */
export function collateSamples(samples: DetectionTrainSample[]): { data: Float32Array; shape: [number, number, number, 3] } {
  const H = Math.max(...samples.map((s) => s.shape[0]));
  const W = Math.max(...samples.map((s) => s.shape[1]));
  const data = new Float32Array(samples.length * H * W * 3);
  samples.forEach((s, b) => {
    const [h, w] = s.shape;
    for (let y = 0; y < h; y++) data.set(s.data.subarray(y * w * 3, (y + 1) * w * 3), ((b * H + y) * W) * 3);
  });
  return { data, shape: [samples.length, H, W, 3] };
}
