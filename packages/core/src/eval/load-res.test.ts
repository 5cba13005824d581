import { describe, expect, it } from 'vitest';
import { CocoDataset } from './coco-dataset.js';
import { loadRes } from './load-res.js';

const gt = CocoDataset.fromJson({ images: [{ id: 5 }, { id: 3 }], categories: [{ id: 1 }], annotations: [] });

describe('loadRes (COCO.loadRes)', () => {
  it('gives box results area w*h, iscrowd 0 and ids file index + 1, without touching the input', () => {
    const input = [
      { image_id: 3, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 },
      { image_id: 5, category_id: 1, bbox: [0, 0, 10, 0.5], score: 0.7 },
    ];
    const res = loadRes(gt, input);
    expect(res.annotations.map((a) => [a.id, a.area, a.iscrowd])).toEqual([[1, 12, 0], [2, 5, 0]]);
    expect(res.annotationsOfImage(5).map((a) => a.id)).toEqual([2]);
    expect(input[0]).not.toHaveProperty('id');
    expect(res.getImgIds()).toEqual([5, 3]);
  });

  it('gives keypoint results the extent of ALL keypoints (any confidence) as bbox and its w*h as area', () => {
    const res = loadRes(gt, [{ image_id: 5, category_id: 1, keypoints: [10, 20, 0.9, 40, 5, 0.1, 25, 60, 0], score: 1 }]);
    expect(res.annotations[0].bbox).toEqual([10, 5, 30, 55]);
    expect(res.annotations[0].area).toBe(30 * 55);
  });

  it('decides the kind by the first result as pycocotools does: a bbox there makes every entry a box', () => {
    const res = loadRes(gt, [
      { image_id: 5, category_id: 1, bbox: [0, 0, 2, 2], keypoints: [0, 0, 1], score: 1 },
      { image_id: 5, category_id: 1, bbox: [0, 0, 3, 3], keypoints: [100, 100, 1, 0, 0, 1], score: 1 },
    ]);
    expect(res.annotations.map((a) => a.area)).toEqual([4, 9]);
    expect(() => loadRes(gt, [{ image_id: 5, category_id: 1, bbox: [0, 0, 2, 2], score: 1 }, { image_id: 5, category_id: 1, keypoints: [0, 0, 1], score: 1 }])).toThrow(
      /results\[1\]\.bbox must be/,
    );
  });
});
