/**
 * The demo's end-to-end pipeline on one image (browser-safe): ONE pass of the shared backbone
 * gives the segmentation and the detections; the detected people go to the top-down pose model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ImageInput, type NetworkRunner, type RgbImage, toRgbImage } from '@hrnetjs/core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import { type Detection, preprocessForDetection } from '@hrnetjs/detection-head';
import { type Pose, type PoseModel, TopDownPoseEstimator } from '@hrnetjs/pose-head';
import type { MultiTaskModel } from '../multitask/index.js';
import { DEMO_SEG_CLASSES } from './demo-config.js';

/**
 * The two demo models. The multi-task model runs on ONNX sessions once `multiTask.useOnnx` was
 * called; `poseNetwork` runs the pose network instead of TF.js (e.g. `onnxRunner` over a session of
 * `pose.toOnnx()`).
 */
export interface DemoModels {
  multiTask: MultiTaskModel;
  pose: PoseModel;
  poseNetwork?: NetworkRunner;
}

export interface DemoOptions {
  /** Keep detections scoring above this (default 0.3; evaluation uses 0.05, mmdet's score_thr). */
  scoreThreshold?: number;
  /** Person detections above this go to the pose model (default 0.3). */
  personThreshold?: number;
  /** Tasks to run (default all): pose needs detection's person boxes. */
  tasks?: { detect?: boolean; segment?: boolean; pose?: boolean };
  /** Pose flip test (default true, as the official test config). */
  flipTest?: boolean;
}

/** Class per pixel at the image's size, with the class names. */
export interface DemoSegmentation {
  width: number;
  height: number;
  labels: Uint8Array;
  classes: readonly string[];
  /** Pixels per class. */
  counts: number[];
}

export interface DemoResult {
  image: RgbImage;
  detections: Detection[];
  poses: Pose[];
  segmentation?: DemoSegmentation;
  timings: { sharedMs: number; poseMs: number };
}

// One estimator per pose model and network (TF.js: the model itself is the key).
const estimators = new WeakMap<PoseModel | NetworkRunner, TopDownPoseEstimator>();

/**
 * Detection + segmentation from one backbone pass, then pose on the people found. Every tensor
 * it creates is disposed.
 */
export async function runDemo(models: DemoModels, image: ImageInput, options: DemoOptions = {}): Promise<DemoResult> {
  const rgb = await toRgbImage(image);
  const tasks = { detect: true, segment: true, pose: true, ...options.tasks };
  const scoreThreshold = options.scoreThreshold ?? 0.3;
  const personThreshold = options.personThreshold ?? 0.3;
  const detector = models.multiTask.detector;
  const t0 = performance.now();
  const input = preprocessForDetection(rgb, detector.testPipeline);
  const x = tf.tensor4d(input.data, input.shape);
  let detections: Detection[] = [];
  let segmentation: DemoSegmentation | undefined;
  try {
    const { logits, detections: raw } = await models.multiTask.segmentAndDetect(x, input.meta);
    try {
      if (tasks.segment) segmentation = await labelsAtImageSize(logits, input.meta.imgShape, rgb, models.multiTask.config.backbone.alignCorners);
    } finally {
      logits.dispose();
    }
    for (let i = 0; i < raw.scores.length; i++) {
      if (!(raw.scores[i] > scoreThreshold)) continue;
      const b = raw.bboxes.subarray(4 * i, 4 * i + 4);
      detections.push({ box: { xmin: b[0], ymin: b[1], xmax: b[2], ymax: b[3] }, label: detector.classNames[raw.labels[i]], labelId: raw.labels[i], score: raw.scores[i] });
    }
  } finally {
    x.dispose();
  }
  const sharedMs = performance.now() - t0;
  const t1 = performance.now();
  let poses: Pose[] = [];
  const people = detections.filter((d) => d.label === 'person' && d.score > personThreshold);
  if (tasks.pose && people.length > 0) {
    const key = models.poseNetwork ?? models.pose;
    let estimator = estimators.get(key);
    if (!estimator) estimators.set(key, (estimator = new TopDownPoseEstimator(models.pose, { network: models.poseNetwork })));
    // The people of the shared pass, as a detector's would be: scored boxes → rescoring + OKS-NMS.
    const boxes = people.map((d) => ({ ...d.box, score: d.score }));
    poses = await estimator.estimatePoses(rgb, { boxes, nms: true, flipTest: options.flipTest ?? true });
  }
  if (!tasks.detect) detections = [];
  return { image: rgb, detections, poses, segmentation, timings: { sharedMs, poseMs: performance.now() - t1 } };
}

/** Logits of the padded input → upsampled, cropped to the resized image, resized to the original, argmax. */
async function labelsAtImageSize(logits: tf.Tensor4D, imgShape: [number, number], image: RgbImage, alignCorners: boolean): Promise<DemoSegmentation> {
  const labels = tf.tidy(() => {
    const [, h4, w4] = logits.shape;
    const padded = resizeBilinearLikeTorch(logits, h4 * 4, w4 * 4, alignCorners);
    const cropped = tf.slice(padded, [0, 0, 0, 0], [1, imgShape[0], imgShape[1], -1]);
    return tf.argMax(resizeBilinearLikeTorch(cropped as tf.Tensor4D, image.height, image.width, alignCorners), 3);
  });
  try {
    const values = Uint8Array.from((await labels.data()) as Int32Array);
    const counts = new Array<number>(DEMO_SEG_CLASSES.length).fill(0);
    for (const v of values) counts[v]++;
    return { width: image.width, height: image.height, labels: values, classes: DEMO_SEG_CLASSES, counts };
  } finally {
    labels.dispose();
  }
}
