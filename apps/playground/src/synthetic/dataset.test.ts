import { decodeImage, encodePng, evaluateCoco } from '@hrnetjs/core';
import { describe, expect, it } from 'vitest';
import { CLASS_ID, COCO_KEYPOINT_NAMES, syntheticCategories } from './categories.js';
import { generateDataset } from './dataset.js';
import { hashJson, hashScene } from './hash.js';
import { instanceLabelImage, semanticLabelImage } from './labels.js';

const SIZE = { width: 160, height: 128 };
const data = generateDataset(24, 2000, SIZE);
const { gt } = data;

/** Decodes COCO uncompressed RLE (column-major, zeros first) to a row-major 0/1 mask. */
function decodeRle({ size: [h, w], counts }: { size: number[]; counts: number[] }): Uint8Array {
  const mask = new Uint8Array(h * w);
  let pos = 0;
  counts.forEach((run, i) => {
    for (let k = 0; k < run; k++, pos++) if (i % 2 === 1) mask[(pos % h) * w + Math.floor(pos / h)] = 1;
  });
  expect(pos).toBe(h * w);
  return mask;
}

describe('generateDataset', () => {
  it('is deterministic: same seeds → same JSON and pixels; another seedBase → different', () => {
    const again = generateDataset(24, 2000, SIZE);
    expect(hashJson(again.gt)).toBe(hashJson(gt));
    expect(again.scenes.map(hashScene)).toEqual(data.scenes.map(hashScene));
    const other = generateDataset(24, 2001, SIZE);
    expect(hashJson(other.gt)).not.toBe(hashJson(gt));
    // seedBase + i is scene i's seed: shifting the base by one shifts the scenes by one.
    expect(other.scenes.slice(0, 23).map(hashScene)).toEqual(data.scenes.slice(1).map(hashScene));
  });

  it('writes COCO categories: person with the 17 keypoints and the 1-based skeleton, then ball, box, kite', () => {
    expect(gt.categories.map((c) => [c.id, c.name])).toEqual([[1, 'person'], [2, 'ball'], [3, 'box'], [4, 'kite']]);
    const person = gt.categories[0];
    expect(person.keypoints).toEqual(COCO_KEYPOINT_NAMES);
    expect(person.keypoints!.slice(0, 6)).toEqual(['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder']);
    // person_keypoints_val2017.json's skeleton, first and last limbs.
    const skeleton = person.skeleton as number[][];
    expect(skeleton).toHaveLength(19);
    expect(skeleton.slice(0, 3)).toEqual([[16, 14], [14, 12], [17, 15]]);
    expect(skeleton.at(-1)).toEqual([5, 7]);
    expect(syntheticCategories()).toEqual(gt.categories);
  });

  it('numbers images 1…N and annotations across the set, each mapping to its instance mask', () => {
    expect(gt.images.map((img) => img.id)).toEqual([...Array(24).keys()].map((i) => i + 1));
    expect(gt.images[4]).toMatchObject({ file_name: '000005.png', width: 160, height: 128, seed: 2004 });
    expect(gt.annotations.map((a) => a.id)).toEqual(gt.annotations.map((_, i) => i + 1));
    for (const ann of gt.annotations) {
      const scene = data.scenes[ann.image_id - 1];
      const local = scene.annotations[(ann.instance_id as number) - 1];
      expect({ ...ann, id: local.id, segmentation: undefined, instance_id: undefined }).toEqual({ ...local, segmentation: undefined, instance_id: undefined, image_id: ann.image_id });
    }
  });

  it('stores each instance mask as RLE whose pixels are exactly the mask, its count the area', () => {
    for (const ann of gt.annotations) {
      const scene = data.scenes[ann.image_id - 1];
      const mask = decodeRle(ann.segmentation as { size: number[]; counts: number[] });
      let mismatches = 0;
      let area = 0;
      for (let i = 0; i < mask.length; i++) {
        area += mask[i];
        if (mask[i] !== (scene.instanceMask[i] === ann.instance_id ? 1 : 0)) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(area).toBe(ann.area);
    }
  });

  it('passes our COCO evaluator with itself as perfect results: keypoint AP 1 and box AP 1', () => {
    const results = gt.annotations.map((a) => ({ image_id: a.image_id, category_id: a.category_id, score: 1, bbox: a.bbox, keypoints: a.keypoints }));
    const kp = evaluateCoco({ gt, results: results.filter((r) => r.category_id === CLASS_ID.person), iouType: 'keypoints' });
    expect(Math.abs(kp.stats[0] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(kp.stats[5] - 1)).toBeLessThan(1e-12);
    const box = evaluateCoco({ gt, results: results.map(({ keypoints: _k, ...r }) => r), iouType: 'bbox' });
    expect(Math.abs(box.stats[0] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(box.stats[8] - 1)).toBeLessThan(1e-12);
  });

  it('rejects a bad count or seed range', () => {
    expect(() => generateDataset(-1, 0, SIZE)).toThrow(/dataset size must be a non-negative integer, got -1/);
    expect(() => generateDataset(2, 0xffffffff, SIZE)).toThrow(/seedBase \+ count − 1/);
  });
});

describe('label images', () => {
  it('survive a PNG round trip: class ids in every channel, instance ids as R + 256·G', async () => {
    const scene = data.scenes[3];
    const { width, height } = scene.image;
    const semantic = await decodeImage(await encodePng(semanticLabelImage(scene.semanticMask, width, height)));
    const instances = await decodeImage(await encodePng(instanceLabelImage(scene.instanceMask, width, height)));
    let mismatches = 0;
    for (let i = 0; i < width * height; i++) {
      if (semantic.data[i * 3 + 1] !== scene.semanticMask[i]) mismatches++;
      if (instances.data[i * 3] + 256 * instances.data[i * 3 + 1] !== scene.instanceMask[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(() => instanceLabelImage(Int32Array.from([70000]), 1, 1)).toThrow(/does not fit a 16-bit label PNG/);
  });
});
