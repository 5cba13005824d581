import { describe, expect, it } from 'vitest';
import { EPS } from './numpy-math.js';
import { computeOks } from './oks.js';

const SIGMAS = [0.1, 0.2, 0.05];

describe('computeOks (COCOeval.computeOks)', () => {
  it('is 1 for a perfect detection whatever the detected confidences', () => {
    const gt = { keypoints: [10, 10, 2, 20, 20, 1, 30, 30, 2], bbox: [5, 5, 30, 30], area: 400 };
    expect(computeOks([[10, 10, 0.1, 20, 20, 0.9, 30, 30, 0]], [gt], SIGMAS)).toEqual([[1]]);
  });

  it('averages exp(-d² / (2σ)² / (area + eps) / 2) over the labelled keypoints only', () => {
    // Keypoint 1 unlabelled (v = 0): its detected position does not count.
    const gt = { keypoints: [10, 10, 2, 0, 0, 0, 30, 30, 1], bbox: [0, 0, 40, 40], area: 400 };
    const dt = [13, 14, 1, 999, -999, 1, 30, 30, 1];
    const e0 = (3 * 3 + 4 * 4) / ((2 * 0.1) * (2 * 0.1)) / (400 + EPS) / 2;
    const [[oks]] = computeOks([dt], [gt], SIGMAS);
    expect(oks).toBeCloseTo((Math.exp(-e0) + 1) / 2, 15);
    expect(oks).toBeLessThan(1);
  });

  it('for a gt without labelled keypoints measures distance to its box doubled around itself, over all keypoints', () => {
    const gt = { keypoints: [0, 0, 0, 0, 0, 0, 0, 0, 0], bbox: [100, 100, 10, 20], area: 200 };
    // Doubled box: x in [90, 120], y in [80, 140]. All three keypoints inside → 1.
    expect(computeOks([[91, 81, 1, 119, 139, 1, 100, 100, 1]], [gt], SIGMAS)).toEqual([[1]]);
    // One keypoint 5 px left of the region (x = 85), the others inside.
    const e = (5 * 5) / ((2 * 0.2) * (2 * 0.2)) / (200 + EPS) / 2;
    const [[oks]] = computeOks([[95, 90, 1, 85, 100, 1, 100, 100, 1]], [gt], SIGMAS);
    expect(oks).toBeCloseTo((1 + Math.exp(-e) + 1) / 3, 15);
  });

  it('returns [D][G] and [] when either side is empty; rejects keypoint counts that differ from the sigmas', () => {
    const gts = [
      { keypoints: [0, 0, 2, 1, 1, 2, 2, 2, 2], bbox: [0, 0, 2, 2], area: 4 },
      { keypoints: [50, 50, 2, 51, 51, 2, 52, 52, 2], bbox: [50, 50, 2, 2], area: 4 },
    ];
    const oks = computeOks([[0, 0, 1, 1, 1, 1, 2, 2, 1], [50, 50, 1, 51, 51, 1, 52, 52, 1]], gts, SIGMAS);
    expect(oks[0][0]).toBe(1);
    expect(oks[1][1]).toBe(1);
    expect(oks[0][1]).toBeLessThan(1e-100);
    expect(computeOks([], gts, SIGMAS)).toEqual([]);
    expect(() => computeOks([[0, 0, 1]], gts, SIGMAS)).toThrow(/detection 0 has 1 keypoints, the sigmas 3/);
  });
});
