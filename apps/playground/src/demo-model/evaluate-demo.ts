/**
 * Quality of the demo models on held-out synthetic scenes, with our own evaluators: COCO box AP
 * (all four classes) and keypoint AP (people found by the detector, as the official COCO results),
 * keypoint AP on ground-truth boxes (the pose model alone), and segmentation mIoU.
 */
import type { CocoAnnotation, CocoImage, CocoResult } from '@hrnetjs/core';
import { boxFromXywh, evaluateCoco } from '@hrnetjs/core';
import { createPoseEstimator } from '@hrnetjs/pose-head';
import { accumulateConfusion, createConfusionMatrix, segMetrics } from '@hrnetjs/seg-head';
import { CLASS_ID, datasetJson, iterateDataset } from '../synthetic/index.js';
import { DEMO_SCENE, DEMO_SEG_CLASSES } from './demo-config.js';
import { type DemoModels, runDemo } from './demo-pipeline.js';

export interface DemoQuality {
  images: number;
  /** COCO AP@[.5:.95] and AP50 of the boxes. */
  boxAp: number;
  boxAp50: number;
  /** COCO keypoint AP@[.5:.95] and AP50, people from the detector. */
  keypointAp: number;
  keypointAp50: number;
  /** Keypoint AP with ground-truth person boxes (score 1): the pose model on its own. */
  keypointApGtBoxes: number;
  mIoU: number;
  /** IoU per segmentation class (background first). */
  classIoU: Record<string, number>;
  /** Mean time per image (shared pass; pose). */
  meanMs: { shared: number; pose: number };
}

/** Runs the demo pipeline on `count` scenes with seeds from `seedBase` and scores it. */
export async function evaluateDemo(models: DemoModels, count: number, seedBase: number, onImage?: (done: number) => void): Promise<DemoQuality> {
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  const boxResults: CocoResult[] = [];
  const keypointResults: CocoResult[] = [];
  const gtBoxKeypointResults: CocoResult[] = [];
  const confusion = createConfusionMatrix(DEMO_SEG_CLASSES.length);
  const estimator = await createPoseEstimator(models.pose);
  let shared = 0;
  let pose = 0;
  for (const entry of iterateDataset(count, seedBase, { ...DEMO_SCENE, segmentation: false })) {
    const imageId = entry.image.id;
    images.push(entry.image);
    annotations.push(...entry.annotations);
    const result = await runDemo(models, entry.scene.image, { scoreThreshold: 0.05 });
    shared += result.timings.sharedMs;
    pose += result.timings.poseMs;
    for (const d of result.detections) {
      const { xmin, ymin, xmax, ymax } = d.box;
      boxResults.push({ image_id: imageId, category_id: d.labelId + 1, bbox: [xmin, ymin, xmax - xmin, ymax - ymin], score: d.score });
    }
    for (const p of result.poses) keypointResults.push({ image_id: imageId, category_id: CLASS_ID.person, keypoints: p.keypoints.flatMap((k) => [k.x, k.y, k.score]), score: p.score });
    if (result.segmentation) accumulateConfusion(confusion, entry.scene.semanticMask, result.segmentation.labels);
    // The pose model alone: one pose per ground-truth person box.
    const people = entry.annotations.filter((a) => a.category_id === CLASS_ID.person);
    if (people.length > 0) {
      const boxes = people.map((a) => boxFromXywh(a.bbox, 1));
      const poses = await estimator.estimatePoses(entry.scene.image, { boxes, nms: false });
      for (const p of poses) gtBoxKeypointResults.push({ image_id: imageId, category_id: CLASS_ID.person, keypoints: p.keypoints.flatMap((k) => [k.x, k.y, k.score]), score: p.score });
    }
    onImage?.(images.length);
  }
  const gt = datasetJson(images, annotations, seedBase);
  const box = evaluateCoco({ gt, results: boxResults, iouType: 'bbox' });
  const keypoints = evaluateCoco({ gt, results: keypointResults, iouType: 'keypoints' });
  const keypointsGt = evaluateCoco({ gt, results: gtBoxKeypointResults, iouType: 'keypoints' });
  const seg = segMetrics(confusion);
  return {
    images: images.length,
    boxAp: box.stats[0],
    boxAp50: box.stats[1],
    keypointAp: keypoints.stats[0],
    keypointAp50: keypoints.stats[1],
    keypointApGtBoxes: keypointsGt.stats[0],
    mIoU: seg.meanIoU,
    classIoU: Object.fromEntries(DEMO_SEG_CLASSES.map((name, i) => [name, seg.iou[i]])),
    meanMs: { shared: shared / Math.max(images.length, 1), pose: pose / Math.max(images.length, 1) },
  };
}
