import type { Box, RgbImage } from '@hrnetjs/core';
import type { Detection, DetectOptions, Detector } from '@hrnetjs/detection-head';
import type { Pose, TopDownPoseEstimator } from '@hrnetjs/pose-head';
import type { SegmentCallOptions, Segmenter, SegmentResult } from '@hrnetjs/seg-head';

/**
 * The per-image work of each task, shared by the one-image commands and the batch / queue workers,
 * so both write the same result for the same image.
 */

/** The pose `--json` document: what a user keeps of each pose. */
export function posesToJson(poses: readonly Pose[]): { poses: PoseJson[] } {
  return {
    poses: poses.map((p) => ({
      box: p.box,
      score: p.score,
      keypoints: p.keypoints.map(({ name, x, y, score }) => ({ name, x, y, score })),
    })),
  };
}

export interface PoseJson {
  box: Box;
  score: number;
  keypoints: Array<{ name: string; x: number; y: number; score: number }>;
}

export interface PoseImageOptions {
  /** Explicit person boxes (one pose each); none: the estimator's detector's people, else the whole image. */
  boxes?: Box[];
  flipTest?: boolean;
}

/** Top-down poses of one image (multi-person when the estimator was made with `{ detector }`). */
export function poseImage(estimator: TopDownPoseEstimator, image: RgbImage, options: PoseImageOptions): Promise<Pose[]> {
  return estimator.estimatePoses(image, { boxes: options.boxes?.length ? options.boxes : undefined, flipTest: options.flipTest });
}

/** `--person-class`: a 0-based class id or a class name (default 'person'). */
export const parsePersonClass = (text = 'person'): string | number => (/^\d+$/.test(text) ? Number(text) : text);

/** The pose result file: the `--json` of `hrnet pose`. */
export const poseFileText = (poses: readonly Pose[]): string => `${JSON.stringify(posesToJson(poses), null, 2)}\n`;

/** Detections of one image (Faster / Mask / Cascade R-CNN). */
export function detectImage(detector: Detector, image: RgbImage, options: DetectOptions): Promise<Detection[]> {
  return detector.detect(image, options);
}

/** A detection as the `--json` stores it: the Box shape, and an instance mask as its COCO RLE. */
export function detectionToJson(d: Detection): Record<string, unknown> {
  const { mask, ...rest } = d;
  return mask ? { ...rest, mask: mask.rle } : rest;
}

/** The detect result file: the `--json` of `hrnet detect`. */
export const detectFileText = (detections: readonly Detection[]): string => `${JSON.stringify({ detections: detections.map(detectionToJson) }, null, 1)}\n`;

/** Semantic labels of one image with the config's (or the overridden) test settings. */
export function segmentImage(segmenter: Segmenter, image: RgbImage, options: SegmentCallOptions): Promise<SegmentResult> {
  return segmenter.segment(image, options);
}

/** A label map as a greyscale PNG (grey = class id; what `hrnet eval-seg` reads). */
export function labelsToGreyImage(result: Pick<SegmentResult, 'labels' | 'width' | 'height'>): RgbImage {
  const data = new Uint8Array(result.width * result.height * 3);
  for (let p = 0; p < result.labels.length; p++) {
    const l = result.labels[p];
    if (l > 255) throw new Error(`label ${l} does not fit a greyscale PNG; use --seg-format npy`);
    data[p * 3] = data[p * 3 + 1] = data[p * 3 + 2] = l;
  }
  return { data, width: result.width, height: result.height };
}
