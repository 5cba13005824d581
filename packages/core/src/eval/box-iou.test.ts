import { describe, expect, it } from 'vitest';
import { boxIou } from './box-iou.js';

describe('boxIou (maskUtils.iou for [x, y, w, h] boxes)', () => {
  it('gives 1 for identical boxes, 1/3 for a half shift, 0 for touching or disjoint boxes', () => {
    const gt = [[0, 0, 10, 10]];
    const ious = boxIou([[0, 0, 10, 10], [5, 0, 10, 10], [10, 0, 5, 5], [20, 20, 3, 3]], gt, [0]);
    expect(ious).toEqual([[1], [50 / 150], [0], [0]]);
  });

  it('divides by the detection area for a crowd gt, so boxes inside a crowd score 1', () => {
    const crowd = [[0, 0, 100, 100]];
    expect(boxIou([[10, 10, 10, 10]], crowd, [1])).toEqual([[1]]);
    expect(boxIou([[10, 10, 10, 10]], crowd, [0])).toEqual([[100 / 10000]]);
    // Half the detection outside the crowd region: intersection 50 / detection area 100.
    expect(boxIou([[95, 0, 10, 10]], crowd, [true])).toEqual([[0.5]]);
  });

  it('returns one row per detection and one column per gt, [] when a side is empty', () => {
    const ious = boxIou([[0, 0, 2, 2], [1, 1, 2, 2], [0, 0, 1, 1]], [[0, 0, 2, 2], [1, 1, 2, 2]], [0, 0]);
    expect(ious.map((r) => r.length)).toEqual([2, 2, 2]);
    expect(ious[1][0]).toBeCloseTo(1 / 7, 15);
    expect(ious[2]).toEqual([0.25, 0]);
    expect(boxIou([], [[0, 0, 1, 1]], [0])).toEqual([]);
    expect(boxIou([[0, 0, 1, 1]], [], [])).toEqual([]);
    expect(() => boxIou([[0, 0, 1, 1]], [[0, 0, 1, 1]], [])).toThrow(/iscrowd has 0 flags for 1/);
  });
});
