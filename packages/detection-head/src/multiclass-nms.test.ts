import { describe, expect, it } from 'vitest';
import { multiclassNms } from './multiclass-nms.js';

describe('multiclassNms (mmdet 2.x)', () => {
  // Two rois, two classes (+ background last), class-specific boxes.
  const bboxes = Float32Array.from([0, 0, 10, 10, 0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60]);
  const scores = Float32Array.from([0.6, 0.3, 0.1, 0.5, 0.04, 0.46]);

  it('thresholds (score > thr), drops the background column, runs NMS per class, sorts by score', () => {
    const out = multiclassNms(bboxes, scores, 2, { scoreThr: 0.05, iouThreshold: 0.5, maxPerImg: 100 });
    // candidates: r0c0 0.6, r0c1 0.3, r1c0 0.5 (IoU 0.82 with r0c0 → suppressed), r1c1 0.04 < thr.
    expect(Array.from(out.scores)).toEqual([0.6, 0.3].map(Math.fround));
    expect(Array.from(out.labels)).toEqual([0, 1]);
    expect(Array.from(out.bboxes)).toEqual([0, 0, 10, 10, 0, 0, 10, 10]);
  });

  it('max_per_img cuts after NMS; allowed labels filter before it', () => {
    expect(multiclassNms(bboxes, scores, 2, { scoreThr: 0.05, iouThreshold: 0.5, maxPerImg: 1 }).labels.length).toBe(1);
    const only1 = multiclassNms(bboxes, scores, 2, { scoreThr: 0.01, iouThreshold: 0.5, maxPerImg: 100 }, new Set([1]));
    expect(Array.from(only1.labels)).toEqual([1, 1]);
    expect(Array.from(only1.scores)).toEqual([0.3, 0.04].map(Math.fround));
  });
});
