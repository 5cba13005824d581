import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COCO_CLASSES } from '@hrnetjs/detection-head';
import { afterAll, describe, expect, it } from 'vitest';
import { COCO_CATEGORY_IDS, detectToCoco, imageIds, poseToCoco } from './coco.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnet-coco-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('COCO results', () => {
  it('maps the 80 labels onto COCO ids 1..90 (the 11 unused ids skipped)', () => {
    expect(COCO_CATEGORY_IDS).toHaveLength(COCO_CLASSES.length);
    expect(COCO_CATEGORY_IDS.every((id, i) => i === 0 || id > COCO_CATEGORY_IDS[i - 1])).toBe(true);
    expect([COCO_CATEGORY_IDS[0], COCO_CATEGORY_IDS[11], COCO_CATEGORY_IDS[79]]).toEqual([1, 13, 90]);
    expect([12, 26, 29, 30, 45, 66, 68, 69, 71, 83, 91].some((id) => COCO_CATEGORY_IDS.includes(id))).toBe(false);
  });

  it('turns boxes into [x, y, w, h] with COCO category ids; other label sets count from 1', () => {
    const box = { xmin: 10, ymin: 20, xmax: 15.5, ymax: 40 };
    expect(detectToCoco({ detections: [{ box, label: 'traffic light', labelId: 9, score: 0.5 }, { box, label: 'stop sign', labelId: 11, score: 0.25 }] }, 7)).toEqual([
      { image_id: 7, category_id: 10, bbox: [10, 20, 5.5, 20], score: 0.5 },
      { image_id: 7, category_id: 13, bbox: [10, 20, 5.5, 20], score: 0.25 },
    ]);
    expect(detectToCoco({ detections: [{ box, label: 'class_2', labelId: 2, score: 0.5 }] }, 1)[0].category_id).toBe(3);
  });

  it('turns poses into x, y, score triples of category 1', () => {
    const keypoints = [{ name: 'a', x: 1, y: 2, score: 0.5 }, { name: 'b', x: 3, y: 4, score: 0.25 }];
    expect(poseToCoco({ poses: [{ box: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 }, score: 0.9, keypoints }] }, 3)).toEqual([
      { image_id: 3, category_id: 1, keypoints: [1, 2, 0.5, 3, 4, 0.25], score: 0.9 },
    ]);
  });

  it('image ids: from the gt file names, else numeric names, else the sorted position', async () => {
    const gt = join(dir, 'gt.json');
    writeFileSync(gt, JSON.stringify({ images: [{ id: 5, file_name: 'val/x.jpg' }, { id: 9, file_name: 'y.jpg' }] }));
    expect(await imageIds(['/a/y.jpg', '/b/x.jpg'], gt)).toEqual([9, 5]);
    await expect(imageIds(['/a/z.jpg'], gt)).rejects.toThrow(/z\.jpg is not among the images of --image-ids/);
    expect(await imageIds(['/a/000000397133.jpg', '/a/12.png'])).toEqual([397133, 12]);
    expect(await imageIds(['/a/12.png', '/a/b.png'])).toEqual([1, 2]);
  });
});
