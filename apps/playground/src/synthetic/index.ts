/**
 * Deterministic synthetic scenes for the demo: articulated people with the 17 COCO keypoints and a
 * few other objects on textured backgrounds, with COCO boxes / keypoints and instance / semantic
 * masks. Browser-safe; `write-dataset.ts` is the Node script that writes a dataset to disk.
 */
export { CLASS_ID, COCO_KEYPOINT_NAMES, COCO_SKELETON_1BASED, NUM_SEMANTIC_CLASSES, SYNTHETIC_CLASSES, type SyntheticClassName, syntheticCategories } from './categories.js';
export { type DatasetEntry, type DatasetOptions, datasetJson, generateDataset, iterateDataset, sceneFileName, type SyntheticDataset } from './dataset.js';
export { fnv1a, hashJson, hashScene } from './hash.js';
export { colorizeLabels, instanceLabelImage, semanticLabelImage } from './labels.js';
export { createRng, type Rng } from './prng.js';
export { cocoKeypoints, countLabelled } from './keypoint-visibility.js';
export { instanceRle, type UncompressedRle } from './rle.js';
export { generateScene, type SceneAnnotation, type SceneOptions, type SyntheticScene } from './scene.js';
