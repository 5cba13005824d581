/**
 * Training targets from synthetic scenes: the detector's sample (mmdet train pipeline) with the
 * matching semantic labels, and top-down pose examples (one per labelled person).
 */
import type { DetectionTrainPipelineConfig, DetectionTrainSample } from '@hrnetjs/detection-head';
import { prepareTrainSample, validGroundTruth } from '@hrnetjs/detection-head/ops';
import { type PoseExample, xywh2cs } from '@hrnetjs/pose-head/ops';
import { CLASS_ID, type SyntheticScene } from '../synthetic/index.js';

/** Pixels of the padding area: no loss there (the official seg code's ignore label). */
export const IGNORE_LABEL = 255;

/** A detection sample plus its semantic labels, flipped and padded like the image. */
export interface MultiTaskSample extends DetectionTrainSample {
  /** Class per pixel of the padded input [padH × padW], IGNORE_LABEL in the padding. */
  labels: Int32Array;
}

/** Boxes [x1, y1, x2, y2] (pycocotools extent + 1) and 0-based detector labels (class id − 1). */
export function sceneBoxes(scene: SyntheticScene): { boxes: [number, number, number, number][]; labels: number[] } {
  const boxes: [number, number, number, number][] = [];
  const labels: number[] = [];
  for (const ann of scene.annotations) {
    const [x, y, w, h] = ann.bbox;
    boxes.push([x, y, x + w, y + h]);
    labels.push(ann.category_id - 1);
  }
  return { boxes, labels };
}

/**
 * The train pipeline on one scene (resize, flip, normalise, pad) and the semantic mask through the
 * same geometry. The pipeline's scale must leave the scene size unchanged (labels are not resized).
 */
export function multiTaskSample(scene: SyntheticScene, pipeline: DetectionTrainPipelineConfig, numClasses: number, random: () => number): MultiTaskSample {
  const { width, height } = scene.image;
  const gt = validGroundTruth({ image: scene.image, ...sceneBoxes(scene) }, numClasses);
  const sample = prepareTrainSample(scene.image, gt, pipeline, random);
  const [h, w] = sample.meta.imgShape;
  if (h !== height || w !== width) {
    throw new Error(`multiTaskSample: the pipeline resizes ${width}×${height} scenes to ${w}×${h}; train at the scene size (imgScale ${Math.max(width, height)})`);
  }
  const [padH, padW] = sample.shape;
  const labels = new Int32Array(padH * padW).fill(IGNORE_LABEL);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = sample.meta.flip ? width - 1 - x : x;
      labels[y * padW + x] = scene.semanticMask[y * width + sx];
    }
  }
  return { ...sample, labels };
}

/**
 * One pose example per person with at least `minKeypoints` labelled keypoints: the box → center /
 * scale (×1.25, the crop's aspect ratio), joints, and visibility min(v, 1) as the official
 * COCO loader (hidden-but-labelled joints are trained on).
 */
export function scenePoseExamples(scene: SyntheticScene, aspectRatio: number, minKeypoints = 1): PoseExample[] {
  const examples: PoseExample[] = [];
  for (const ann of scene.annotations) {
    if (ann.category_id !== CLASS_ID.person || !ann.keypoints || (ann.num_keypoints ?? 0) < minKeypoints) continue;
    const [x, y, w, h] = ann.bbox;
    if (w < 2 || h < 2) continue;
    const joints: Array<[number, number]> = [];
    const visibility: number[] = [];
    for (let k = 0; k < ann.keypoints.length; k += 3) {
      joints.push([ann.keypoints[k], ann.keypoints[k + 1]]);
      visibility.push(Math.min(ann.keypoints[k + 2], 1));
    }
    examples.push({ image: scene.image, joints, visibility, box: xywh2cs({ x, y, width: w, height: h }, aspectRatio) });
  }
  return examples;
}
