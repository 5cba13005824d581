import { describe, expect, it } from 'vitest';
import { COCO_DATASET, MPII_DATASET, datasetForJoints } from './datasets.js';

describe('pose datasets', () => {
  it('COCO: 17 TF.js-style names, 8 left/right flip pairs, 19 limbs, 17 sigmas', () => {
    expect(COCO_DATASET.keypoints).toHaveLength(17);
    expect([COCO_DATASET.keypoints[0], COCO_DATASET.keypoints[5], COCO_DATASET.keypoints[16]]).toEqual(['nose', 'left_shoulder', 'right_ankle']);
    for (const [l, r] of COCO_DATASET.flipPairs) {
      expect(COCO_DATASET.keypoints[l].replace('left_', '')).toBe(COCO_DATASET.keypoints[r].replace('right_', ''));
    }
    expect(COCO_DATASET.skeleton).toHaveLength(19);
    expect(COCO_DATASET.sigmas?.[0]).toBeCloseTo(0.026, 15);
    expect(COCO_DATASET.sigmas?.[11]).toBeCloseTo(0.107, 15);
  });

  it('MPII: 16 joints whose flip pairs are right/left mirrors', () => {
    expect(MPII_DATASET.keypoints).toHaveLength(16);
    for (const [r, l] of MPII_DATASET.flipPairs) {
      expect(MPII_DATASET.keypoints[r].replace('right_', '')).toBe(MPII_DATASET.keypoints[l].replace('left_', ''));
    }
    expect(MPII_DATASET.skeleton.every(([a, b]) => a < 16 && b < 16 && a !== b)).toBe(true);
  });

  it('picks the dataset from the joint count; other counts get generic names and no flip pairs', () => {
    expect(datasetForJoints(17)).toBe(COCO_DATASET);
    expect(datasetForJoints(16)).toBe(MPII_DATASET);
    expect(datasetForJoints(3)).toEqual({ name: 'custom-3', keypoints: ['joint_0', 'joint_1', 'joint_2'], flipPairs: [], skeleton: [] });
  });
});
