import type { ImageInput } from '@hrnetjs/core';
import type { Detection, DetectOptions } from './detect.js';

/** A person box with its detector score, as the top-down pose pipeline takes it. */
export interface ScoredBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/**
 * What detectPoses needs of a pose estimator (`@hrnetjs/pose-head`'s TopDownPoseEstimator fits):
 * poses for scored boxes, with the official rescoring and OKS-NMS when `nms` is set.
 */
export interface ScoredBoxPoseEstimator<P> {
  estimatePoses(image: ImageInput, options: { boxes: readonly ScoredBox[]; nms: boolean; flipTest?: boolean }): Promise<P[]>;
}

/** Something that finds boxes: a FasterRCNN. */
export interface BoxDetector {
  detect(image: ImageInput, options?: DetectOptions): Promise<Detection[]>;
  /** Its class names (FasterRCNN has them): a person class name not among them is an error. */
  readonly classNames?: readonly string[];
}

export interface DetectPosesOptions {
  /** Detector class whose boxes are people (COCO: 'person', id 0). */
  personClass?: string | number;
  /** Detector score threshold for person boxes (default: the detector's test config). */
  scoreThreshold?: number;
  /** At most this many person boxes (of those the detector kept) go to the pose network, best first. */
  maxPeople?: number;
  flipTest?: boolean;
}

/** Detector boxes (x1, y1, x2, y2) → the (x, y, w, h, score) boxes the COCO pose results use. */
export function detectionsToPersonBoxes(detections: readonly Detection[]): ScoredBox[] {
  return detections.map(({ box, score }) => ({ x: box.xmin, y: box.ymin, width: box.xmax - box.xmin, height: box.ymax - box.ymin, score }));
}

/**
 * Multi-person pose in one call, the way the official COCO results are produced: the detector's
 * boxes of the person class (after its usual top-`max_per_img` cut over all classes; w = x2 − x1, h = y2 − y1, as the detection-results json stores them) → the
 * top-down pose pipeline with those scores → rescoring (box score × mean visible keypoint score)
 * and OKS-NMS.
 */
export async function detectPoses<P>(
  detector: BoxDetector,
  poseEstimator: ScoredBoxPoseEstimator<P>,
  image: ImageInput,
  options: DetectPosesOptions = {},
): Promise<P[]> {
  const person = options.personClass ?? 'person';
  if (typeof person === 'string' && detector.classNames && !detector.classNames.includes(person)) {
    throw new Error(`unknown person class '${person}': the detector's classes are ${detector.classNames.slice(0, 5).join(', ')}, … (or pass a 0-based id)`);
  }
  const { maxPeople } = options;
  if (maxPeople !== undefined && !(Number.isInteger(maxPeople) && maxPeople > 0)) throw new Error(`maxPeople must be a positive integer, got ${maxPeople}`);
  // The official person boxes are the detector's usual output (its max_per_img best over all
  // classes) filtered to people; a person-only detection would keep more, weaker boxes.
  const detections = await detector.detect(image, { scoreThreshold: options.scoreThreshold });
  const people = detections.filter((d) => (typeof person === 'number' ? d.labelId === person : d.label === person)).slice(0, maxPeople);
  if (people.length === 0) return [];
  return poseEstimator.estimatePoses(image, { boxes: detectionsToPersonBoxes(people), nms: true, flipTest: options.flipTest });
}
