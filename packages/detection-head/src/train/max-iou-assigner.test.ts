import { describe, expect, it } from 'vitest';
import { bboxOverlaps } from './bbox-overlaps.js';
import { maxIoUAssign, RCNN_ASSIGNER, RPN_ASSIGNER } from './max-iou-assigner.js';

const boxes = (...b: number[][]) => Float32Array.from(b.flat());

describe('bboxOverlaps (mmdet bbox_overlaps)', () => {
  it('IoU and IoF of hand-computed pairs', () => {
    const a = boxes([0, 0, 10, 10]);
    const b = boxes([0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30], [0, 0, 5, 5]);
    expect(Array.from(bboxOverlaps(a, b))).toEqual([1, Math.fround(50 / 150), 0, 0.25]);
    expect(Array.from(bboxOverlaps(b, a, 'iof'))).toEqual([1, 0.5, 0, 1]);
  });
});

describe('maxIoUAssign (mmdet MaxIoUAssigner)', () => {
  const gt = boxes([0, 0, 10, 10], [20, 0, 30, 10]);
  // IoU with gt0: 1, 50/150, 0.5 (0..10 × 0..5), 0; with gt1: 0, 0, 0, 100/200 (15..25: 50/150).
  const candidates = boxes([0, 0, 10, 10], [5, 0, 15, 10], [0, 0, 10, 5], [15, 0, 25, 10], [100, 100, 110, 110]);

  it('R-CNN thresholds 0.5 / 0.5: pos at ≥ 0.5, neg below, labels from the gt', () => {
    const r = maxIoUAssign(candidates, gt, RCNN_ASSIGNER, [3, 7]);
    expect(Array.from(r.gtInds)).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(r.labels ?? [])).toEqual([3, -1, 3, -1, -1]);
    expect(r.maxOverlaps[3]).toBeCloseTo(50 / 150, 6);
  });

  it('RPN thresholds 0.7 / 0.3 with low-quality matches: gt1 takes its best box at IoU 1/3 ≥ 0.3; boxes in [0.3, 0.7) are ignored', () => {
    const r = maxIoUAssign(candidates, gt, RPN_ASSIGNER);
    // box1 (1/3 with gt0) and box2 (0.5) are between the thresholds → −1; box3 is gt1's best → 2.
    expect(Array.from(r.gtInds)).toEqual([1, -1, -1, 2, 0]);
    expect(r.labels).toBeNull();
    const noLowQuality = maxIoUAssign(candidates, gt, { ...RPN_ASSIGNER, matchLowQuality: false });
    expect(Array.from(noLowQuality.gtInds)).toEqual([1, -1, -1, -1, 0]);
  });

  it('low-quality matching gives every tied best box to the gt (gt_max_assign_all), or only the first', () => {
    const tied = boxes([0, 0, 10, 20], [0, -10, 10, 10]); // both IoU 0.5 with gt0
    const g = boxes([0, 0, 10, 10]);
    const cfg = { posIouThr: 0.9, negIouThr: 0.1, minPosIou: 0.3, matchLowQuality: true };
    expect(Array.from(maxIoUAssign(tied, g, cfg).gtInds)).toEqual([1, 1]);
    expect(Array.from(maxIoUAssign(tied, g, { ...cfg, gtMaxAssignAll: false }).gtInds)).toEqual([1, -1]);
    expect(Array.from(maxIoUAssign(tied, g, { ...cfg, minPosIou: 0.6 }).gtInds)).toEqual([-1, -1]);
  });

  it('a negative range [lo, hi) leaves boxes below lo ignored', () => {
    const r = maxIoUAssign(candidates, gt, { posIouThr: 0.5, negIouThr: [0.1, 0.5], minPosIou: 0.5, matchLowQuality: false });
    expect(Array.from(r.gtInds)).toEqual([1, 0, 1, 0, -1]);
  });

  it('ignored gt regions (IoF > ignore_iof_thr) mark candidates −1', () => {
    const r = maxIoUAssign(candidates, gt, { ...RCNN_ASSIGNER, ignoreIofThr: 0.5 }, [0, 1], boxes([95, 95, 120, 120]));
    expect(r.gtInds[4]).toBe(-1);
    expect(r.maxOverlaps[4]).toBe(-1);
  });

  it('no gt: all negative; no candidates: empty', () => {
    expect(Array.from(maxIoUAssign(candidates, new Float32Array(0), RPN_ASSIGNER).gtInds)).toEqual([0, 0, 0, 0, 0]);
    expect(maxIoUAssign(new Float32Array(0), gt, RPN_ASSIGNER).gtInds.length).toBe(0);
    expect(() => maxIoUAssign(candidates, gt, RPN_ASSIGNER, [1])).toThrow(/1 gt labels for 2 gt boxes/);
  });
});
