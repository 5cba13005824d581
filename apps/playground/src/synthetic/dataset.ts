/**
 * A synthetic COCO dataset: scene i has seed `seedBase + i`, image id `i + 1`, and annotations
 * numbered across the dataset. The ground-truth JSON has person keypoints, boxes, areas and RLE masks.
 */
import type { CocoAnnotation, CocoGroundTruthJson, CocoImage } from '@hrnetjs/core';
import { syntheticCategories } from './categories.js';
import { instanceRle } from './rle.js';
import { generateScene, type SceneOptions, type SyntheticScene } from './scene.js';

/** Scene options of a dataset (the image id is set per scene). */
export type DatasetOptions = Omit<SceneOptions, 'imageId'> & {
  /** Include each instance's mask as COCO uncompressed RLE in `segmentation` (default true). */
  segmentation?: boolean;
};

/** One image of a dataset: the scene, its `images` entry and its annotations (global ids). */
export interface DatasetEntry {
  scene: SyntheticScene;
  image: CocoImage & { file_name: string; width: number; height: number; seed: number };
  /** As the scene's, with a dataset-wide `id`, plus `instance_id` = the value in the scene's instance mask. */
  annotations: CocoAnnotation[];
}

/** A generated dataset: the ground-truth JSON and the scenes in image order. */
export interface SyntheticDataset {
  gt: CocoGroundTruthJson;
  scenes: SyntheticScene[];
}

/** File name of image `imageId` (also used for its label PNGs). */
export function sceneFileName(imageId: number): string {
  return `${String(imageId).padStart(6, '0')}.png`;
}

/**
 * The dataset's scenes one at a time (so large datasets can be written without holding every image),
 * with annotation ids continuing across images.
 */
export function* iterateDataset(count: number, seedBase: number, options: DatasetOptions): Generator<DatasetEntry> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`dataset size must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(seedBase) || seedBase < 0 || seedBase + count - 1 > 0xffffffff) {
    throw new RangeError(`seedBase must be an integer with seedBase + count − 1 ≤ 4294967295, got ${seedBase} (count ${count})`);
  }
  const { segmentation = true, ...sceneOptions } = options;
  let nextId = 1;
  for (let i = 0; i < count; i++) {
    const imageId = i + 1;
    const seed = seedBase + i;
    const scene = generateScene(seed, { ...sceneOptions, imageId });
    const { width, height } = scene.image;
    const annotations = scene.annotations.map((ann): CocoAnnotation => ({
      ...ann,
      bbox: [...ann.bbox],
      id: nextId++,
      instance_id: ann.id,
      ...(segmentation ? { segmentation: instanceRle(scene.instanceMask, width, height, ann.id) } : {}),
    }));
    yield { scene, image: { id: imageId, file_name: sceneFileName(imageId), width, height, seed }, annotations };
  }
}

/** The COCO ground-truth JSON for already generated images and annotations. */
export function datasetJson(images: CocoImage[], annotations: CocoAnnotation[], seedBase: number): CocoGroundTruthJson {
  return {
    info: { description: 'HRNet.js synthetic scenes', seed_base: seedBase, version: 1 },
    images,
    annotations,
    categories: syntheticCategories(),
  };
}

/**
 * `count` scenes with seeds `seedBase … seedBase + count − 1` and their COCO ground truth
 * (categories: person with the 17 keypoints and skeleton, ball, box, kite).
 */
export function generateDataset(count: number, seedBase: number, options: DatasetOptions): SyntheticDataset {
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  const scenes: SyntheticScene[] = [];
  for (const entry of iterateDataset(count, seedBase, options)) {
    images.push(entry.image);
    annotations.push(...entry.annotations);
    scenes.push(entry.scene);
  }
  return { gt: datasetJson(images, annotations, seedBase), scenes };
}
