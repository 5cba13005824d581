import { describe, expect, it } from 'vitest';
import type { Detection } from './detect.js';
import { detectionsToPersonBoxes, detectPoses, type ScoredBox } from './detect-poses.js';

const image = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4 };

describe('detectPoses', () => {
  it('asks the detector for people only and hands their scored xywh boxes to the pose pipeline with NMS', async () => {
    const calls: unknown[] = [];
    const detector = {
      detect: async (_: unknown, options: unknown) => {
        calls.push(options);
        return [
          { box: { xmin: 10, ymin: 20, xmax: 50, ymax: 120 }, label: 'person', labelId: 0, score: 0.9 },
          { box: { xmin: 0.5, ymin: 1, xmax: 2, ymax: 3.5 }, label: 'person', labelId: 0, score: 0.4 },
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
    const poses = await detectPoses(detector, estimator, image, { scoreThreshold: 0.3, maxPeople: 5 });
    expect(calls).toEqual([{ classes: ['person'], scoreThreshold: 0.3, maxDetections: 5 }]);
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
