import type { CocoCategory } from '@hrnetjs/core';
import { COCO_DATASET } from '@hrnetjs/pose-head';

/**
 * The synthetic classes. A category's COCO id is also its semantic class id, so the semantic mask
 * reads directly as category ids: 0 background, 1 person, 2 ball, 3 box, 4 kite.
 */
export const SYNTHETIC_CLASSES = ['background', 'person', 'ball', 'box', 'kite'] as const;

/** Name of a synthetic class (index = semantic id = COCO category id; 0 is background). */
export type SyntheticClassName = (typeof SYNTHETIC_CLASSES)[number];

/** Semantic / category id of each class. */
export const CLASS_ID = { background: 0, person: 1, ball: 2, box: 3, kite: 4 } as const satisfies Record<SyntheticClassName, number>;

/** Number of semantic classes including background (what a segmentation head trained on these predicts). */
export const NUM_SEMANTIC_CLASSES = SYNTHETIC_CLASSES.length;

/** The 17 COCO keypoint names in channel order. */
export const COCO_KEYPOINT_NAMES: readonly string[] = COCO_DATASET.keypoints;

/** COCO's person skeleton in the 1-based form of `person_keypoints_*.json`. */
export const COCO_SKELETON_1BASED: ReadonlyArray<readonly [number, number]> = COCO_DATASET.skeleton.map(([a, b]) => [a + 1, b + 1] as const);

/** The `categories` of the ground-truth JSON: person with keypoints and skeleton, then the objects. */
export function syntheticCategories(): CocoCategory[] {
  return [
    {
      id: CLASS_ID.person,
      name: 'person',
      supercategory: 'person',
      keypoints: [...COCO_KEYPOINT_NAMES],
      skeleton: COCO_SKELETON_1BASED.map(([a, b]) => [a, b]),
    },
    { id: CLASS_ID.ball, name: 'ball', supercategory: 'object' },
    { id: CLASS_ID.box, name: 'box', supercategory: 'object' },
    { id: CLASS_ID.kite, name: 'kite', supercategory: 'object' },
  ];
}
