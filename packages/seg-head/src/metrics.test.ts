import { describe, expect, it } from 'vitest';
import { accumulateConfusion, createConfusionMatrix, getConfusionMatrix, segMetrics } from './metrics.js';

describe('confusion matrix and testval metrics', () => {
  it('counts [gt, pred] and skips the ignore label', () => {
    const gt = [0, 0, 1, 1, 2, 255];
    const pred = [0, 1, 1, 1, 0, 2];
    const m = getConfusionMatrix(gt, pred, 3);
    expect(Array.from(m.counts)).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 0]);
    expect(m.skipped).toBe(0);
  });

  it('IoU = tp / max(1, pos + res − tp), mIoU over all classes, pixel and mean accuracy', () => {
    const m = getConfusionMatrix([0, 0, 1, 1, 2, 255], [0, 1, 1, 1, 0, 2], 3);
    const r = segMetrics(m);
    // class 0: tp 1, pos 2, res 2 → 1/3; class 1: tp 2, pos 2, res 3 → 2/3; class 2: tp 0 → 0.
    expect(r.iou).toEqual([1 / 3, 2 / 3, 0]);
    expect(r.meanIoU).toBeCloseTo(1 / 3, 12);
    expect(r.pixelAccuracy).toBe(3 / 5);
    expect(r.classAccuracy).toEqual([0.5, 1, 0]);
    expect(r.meanAccuracy).toBeCloseTo(0.5, 12);
  });

  it('a configurable ignore label (−1), out-of-range labels skipped, accumulation over images', () => {
    const m = createConfusionMatrix(2);
    accumulateConfusion(m, [-1, 0, 1, 7], [0, 0, 0, 1], -1);
    accumulateConfusion(m, [1, 1], [1, 1], -1);
    expect(Array.from(m.counts)).toEqual([1, 0, 1, 2]);
    expect(m.skipped).toBe(1);
    expect(segMetrics(m).iou).toEqual([0.5, 2 / 3]);
    expect(() => getConfusionMatrix([1], [1, 2], 3)).toThrow(/ground truth has 1 pixels but the prediction has 2/);
  });
});
