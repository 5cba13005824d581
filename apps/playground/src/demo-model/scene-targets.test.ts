import { describe, expect, it } from 'vitest';
import { MMDET_TRAIN_PIPELINE } from '@hrnetjs/detection-head';
import { CLASS_ID, generateScene } from '../synthetic/index.js';
import { IGNORE_LABEL, multiTaskSample, sceneBoxes, scenePoseExamples } from './scene-targets.js';

const pipeline = (flipRatio: number, size: number) => ({ ...MMDET_TRAIN_PIPELINE, imgScale: [size, size] as [number, number], flipRatio, sizeDivisor: 32 });

describe('scene → multi-task sample', () => {
  const scene = generateScene(7, { width: 80, height: 80, maxPeople: 3, maxObjects: 3, minPersonHeight: 30 });

  it('boxes are the annotation extents [x, y, x + w, y + h] with 0-based labels (class id − 1)', () => {
    const { boxes, labels } = sceneBoxes(scene);
    expect(boxes.length).toBe(scene.annotations.length);
    scene.annotations.forEach((a, i) => {
      expect(boxes[i]).toEqual([a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]]);
      expect(labels[i]).toBe(a.category_id - 1);
    });
  });

  it('pads labels with the ignore label to the padded input, unflipped and flipped like the image', () => {
    const plain = multiTaskSample(scene, pipeline(0, 80), 4, () => 0.9);
    expect(plain.shape).toEqual([96, 96]); // 80 padded to a multiple of 32
    expect(plain.labels.length).toBe(96 * 96);
    expect(plain.labels[0 * 96 + 85]).toBe(IGNORE_LABEL);
    expect(plain.labels[90 * 96 + 3]).toBe(IGNORE_LABEL);
    for (let y = 0; y < 80; y += 7) for (let x = 0; x < 80; x += 5) expect(plain.labels[y * 96 + x]).toBe(scene.semanticMask[y * 80 + x]);

    const flipped = multiTaskSample(scene, pipeline(1, 80), 4, () => 0);
    expect(flipped.meta.flip).toBe(true);
    for (let y = 0; y < 80; y += 3) for (let x = 0; x < 80; x += 3) expect(flipped.labels[y * 96 + x]).toBe(scene.semanticMask[y * 80 + (79 - x)]);
    // The flipped image's first pixel is the original's last pixel of that row (normalised alike).
    for (let c = 0; c < 3; c++) expect(flipped.data[c]).toBeCloseTo(plain.data[79 * 3 + c], 6);
    // Boxes mirrored: x1' = w − x2.
    expect(flipped.gtBboxes[0]).toBeCloseTo(80 - plain.gtBboxes[2], 4);
  });

  it('refuses a pipeline that would resize the scene (labels are not resized)', () => {
    expect(() => multiTaskSample(scene, pipeline(0, 160), 4, () => 0.5)).toThrow(/resizes 80×80 scenes to 160×160/);
  });
});

describe('scene → pose examples', () => {
  it('one example per labelled person, joints and visibility min(v, 1) from the COCO keypoints', () => {
    const scene = generateScene(11, { width: 128, height: 128, maxPeople: 4, minPersonHeight: 40 });
    const people = scene.annotations.filter((a) => a.category_id === CLASS_ID.person && (a.num_keypoints ?? 0) >= 1);
    expect(people.length).toBeGreaterThan(0);
    const examples = scenePoseExamples(scene, 0.75);
    expect(examples.length).toBe(people.length);
    examples.forEach((e, i) => {
      const kp = people[i].keypoints!;
      expect(e.joints.length).toBe(17);
      e.joints.forEach(([x, y], j) => {
        expect([x, y]).toEqual([kp[3 * j], kp[3 * j + 1]]);
        expect(e.visibility[j]).toBe(Math.min(kp[3 * j + 2], 1));
      });
      // xywh2cs: the box centre, aspect 0.75 and ×1.25 padding.
      const [bx, by, bw, bh] = people[i].bbox;
      expect(e.box.center[0]).toBeCloseTo(bx + bw / 2, 3);
      expect(e.box.center[1]).toBeCloseTo(by + bh / 2, 3);
      expect(e.box.scale[0] / e.box.scale[1]).toBeCloseTo(0.75, 4);
    });
    expect(scenePoseExamples(scene, 0.75, 18)).toEqual([]);
  });
});
