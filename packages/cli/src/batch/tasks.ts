import type { RgbImage } from '@hrnetjs/core';
import { type Detection, type DetectOptions, detectPoses, type FasterRCNN } from '@hrnetjs/detection-head';
import type { PersonBox, Pose, TopDownPoseEstimator } from '@hrnetjs/pose-head';
import { type SegModel, type SegmentOptions, type SegmentResult, segment } from '@hrnetjs/seg-head';

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
  box: PersonBox;
  score: number;
  keypoints: Array<{ name: string; x: number; y: number; score: number }>;
}

export interface PoseImageOptions {
  /** Explicit person boxes (one pose each); none and no detector: the whole image. */
  boxes?: PersonBox[];
  /** Faster R-CNN person boxes, rescoring and OKS-NMS (the official multi-person path). */
  detector?: FasterRCNN | null;
  personClass?: string;
  flipTest?: boolean;
}

/** Top-down poses of one image. */
export async function poseImage(estimator: TopDownPoseEstimator, image: RgbImage, options: PoseImageOptions): Promise<Pose[]> {
  const { detector, personClass = 'person', flipTest } = options;
  if (detector) {
    return detectPoses(detector, estimator, image, { personClass: /^\d+$/.test(personClass) ? Number(personClass) : personClass, flipTest });
  }
  return estimator.estimatePoses(image, { boxes: options.boxes?.length ? options.boxes : undefined, flipTest });
}

/** The pose result file: the `--json` of `hrnet pose`. */
export const poseFileText = (poses: readonly Pose[]): string => `${JSON.stringify(posesToJson(poses), null, 2)}\n`;

/** Faster R-CNN detections of one image. */
export function detectImage(model: FasterRCNN, image: RgbImage, options: DetectOptions): Promise<Detection[]> {
  return model.detect(image, options);
}

/** The detect result file: the `--json` of `hrnet detect`. */
export const detectFileText = (detections: readonly Detection[]): string => `${JSON.stringify({ detections }, null, 1)}\n`;

/** Semantic labels of one image with the config's (or the overridden) test settings. */
export function segmentImage(model: SegModel, image: RgbImage, options: SegmentOptions): Promise<SegmentResult> {
  return segment(model, image, options);
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
