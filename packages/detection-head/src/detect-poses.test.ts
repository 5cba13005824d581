import { describe, expect, it } from 'vitest';
import type { Detection } from './detect.js';
import { detectionsToPersonBoxes, detectPoses, type ScoredBox } from './detect-poses.js';

const image = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4 };

describe('detectPoses', () => {
  it('keeps the person boxes of the detector\'s usual output (up to maxPeople) and hands them to the pose pipeline with NMS', async () => {
    const calls: unknown[] = [];
    const detector = {
      detect: async (_: unknown, options: unknown) => {
        calls.push(options);
        return [
          { box: { xmin: 10, ymin: 20, xmax: 50, ymax: 120 }, label: 'person', labelId: 0, score: 0.9 },
          { box: { xmin: 5, ymin: 5, xmax: 9, ymax: 9 }, label: 'kite', labelId: 33, score: 0.8 },
          { box: { xmin: 0.5, ymin: 1, xmax: 2, ymax: 3.5 }, label: 'person', labelId: 0, score: 0.4 },
          { box: { xmin: 1, ymin: 1, xmax: 3, ymax: 3 }, label: 'person', labelId: 0, score: 0.35 },
        ] satisfies Detection[];
      },
    };
    let received: { boxes: readonly ScoredBox[]; nms: boolean } | null = null;
    const estimator = {
      estimatePoses: async (_: unknown, options: { boxes: readonly ScoredBox[]; nms: boolean }) => {
        received = options;
        return options.boxes.map((b) => ({ score: b.score }));
      },
    };
    const poses = await detectPoses(detector, estimator, image, { scoreThreshold: 0.3, maxPeople: 2 });
    // All classes, with the detector's own max_per_img cut (as the official person boxes were made).
    expect(calls).toEqual([{ scoreThreshold: 0.3 }]);
    expect(received).toEqual({
      boxes: [
        { x: 10, y: 20, width: 40, height: 100, score: 0.9 },
        { x: 0.5, y: 1, width: 1.5, height: 2.5, score: 0.4 },
      ],
      nms: true,
      flipTest: undefined,
    });
    expect(poses).toEqual([{ score: 0.9 }, { score: 0.4 }]);
  });

  it('selects the person class by 0-based id, and names an unknown class name', async () => {
    const found: Detection[] = [
      { box: { xmin: 0, ymin: 0, xmax: 2, ymax: 2 }, label: 'class_0', labelId: 0, score: 0.9 },
      { box: { xmin: 1, ymin: 1, xmax: 3, ymax: 4 }, label: 'class_24', labelId: 24, score: 0.5 },
    ];
    const detector = { classNames: ['class_0', 'class_24'], detect: async () => found };
    const estimator = { estimatePoses: async (_: unknown, o: { boxes: readonly ScoredBox[] }) => [...o.boxes] };
    expect(await detectPoses(detector, estimator, image, { personClass: 24 })).toEqual([{ x: 1, y: 1, width: 2, height: 3, score: 0.5 }]);
    await expect(detectPoses(detector, estimator, image)).rejects.toThrow(/unknown person class 'person'.*class_0, class_24/);
    await expect(detectPoses(detector, estimator, image, { personClass: 24, maxPeople: 0 })).rejects.toThrow(/maxPeople must be a positive integer, got 0/);
  });

  it('returns no poses (and never runs the pose network) when no person is found', async () => {
    const estimator = { estimatePoses: async () => { throw new Error('must not run'); } };
    expect(await detectPoses({ detect: async () => [] }, estimator, image)).toEqual([]);
  });

  it('converts x1,y1,x2,y2 to the COCO results box (w = x2 − x1, no +1)', () => {
    expect(detectionsToPersonBoxes([{ box: { xmin: 1, ymin: 2, xmax: 4, ymax: 8 }, label: 'person', labelId: 0, score: 1 }])).toEqual([
      { x: 1, y: 2, width: 3, height: 6, score: 1 },
    ]);
  });
});
