/** Keypoint metadata of one dataset: names, left/right pairs, skeleton and OKS sigmas. */
export interface PoseDataset {
  name: string;
  /** Keypoint names in channel order (snake_case as TF.js pose-detection). */
  keypoints: readonly string[];
  /** Left/right channel pairs swapped by the flip test (0-based, official `flip_pairs`). */
  flipPairs: ReadonlyArray<readonly [number, number]>;
  /** Limbs as 0-based keypoint index pairs (for drawing). */
  skeleton: ReadonlyArray<readonly [number, number]>;
  /** Per-keypoint OKS sigmas (COCO only). */
  sigmas?: readonly number[];
}

/** COCO 17 keypoints (official `coco.py`; names as TF.js pose-detection). */
export const COCO_DATASET: PoseDataset = {
  name: 'coco',
  keypoints: [
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  ],
  flipPairs: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16]],
  // coco.py documents the skeleton 1-based; stored here 0-based.
  skeleton: [
    [15, 13], [13, 11], [16, 14], [14, 12], [11, 12], [5, 11], [6, 12], [5, 6], [5, 7], [6, 8], [7, 9], [8, 10],
    [1, 2], [0, 1], [0, 2], [1, 3], [2, 4], [3, 5], [4, 6],
  ],
  sigmas: [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10),
};

/** MPII 16 keypoints (official `mpii.py` order and flip pairs). */
export const MPII_DATASET: PoseDataset = {
  name: 'mpii',
  keypoints: [
    'right_ankle', 'right_knee', 'right_hip', 'left_hip', 'left_knee', 'left_ankle', 'pelvis', 'thorax', 'upper_neck',
    'head_top', 'right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist',
  ],
  flipPairs: [[0, 5], [1, 4], [2, 3], [10, 15], [11, 14], [12, 13]],
  // The MPII kinematic tree (parent links of the official mpii.py joints).
  skeleton: [
    [0, 1], [1, 2], [2, 6], [5, 4], [4, 3], [3, 6], [6, 7], [7, 8], [8, 9], [10, 11], [11, 12], [12, 7], [15, 14], [14, 13], [13, 7],
  ],
};

/**
 * The dataset a head with `numJoints` outputs was trained on: 17 → COCO, 16 → MPII. Other counts get
 * generic names (`joint_0`, …) and no flip pairs or skeleton: the caller must provide them.
 */
export function datasetForJoints(numJoints: number): PoseDataset {
  if (numJoints === COCO_DATASET.keypoints.length) return COCO_DATASET;
  if (numJoints === MPII_DATASET.keypoints.length) return MPII_DATASET;
  return {
    name: `custom-${numJoints}`,
    keypoints: Array.from({ length: numJoints }, (_, i) => `joint_${i}`),
    flipPairs: [],
    skeleton: [],
  };
}
