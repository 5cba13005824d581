import { describe, expect, it } from 'vitest';
import { COCO_DATASET } from './datasets.js';
import { type OksCandidate, oksIou, oksNms, rescorePoses } from './oks-nms.js';

function pose(dx: number, score: number, area = 10000, kpScore = 1): OksCandidate {
  return { keypoints: Array.from({ length: 17 }, (_, k) => ({ x: 10 * k + dx, y: 5 * k, score: kpScore })), area, score };
}

describe('oksIou (official oks_iou)', () => {
  it('is 1 for identical poses and exp(−e) for a uniform shift, e = d²/(2σ)²/(area + eps)/2', () => {
    expect(oksIou(pose(0, 1), [pose(0, 1)])).toEqual([1]);
    const [oks] = oksIou(pose(0, 1), [pose(3, 1)]);
    const expected = COCO_DATASET.sigmas!.reduce((s, sigma) => s + Math.exp(-(9 / (2 * sigma) ** 2 / (10000 + 2.220446049250313e-16) / 2)), 0) / 17;
    expect(oks).toBeCloseTo(expected, 15);
  });

  it('with in_vis_thre counts only keypoints the detection sees (the official mask quirk)', () => {
    const d = pose(3, 1);
    d.keypoints.forEach((k, i) => (k.score = i === 0 ? 1 : 0));
    const [oks] = oksIou(pose(0, 1, 10000, 0), [d], undefined, 0.5);
    expect(oks).toBeCloseTo(Math.exp(-(9 / (2 * 0.026) ** 2 / 10000 / 2)), 12);
  });

  it('needs one sigma per keypoint', () => {
    const short = { keypoints: [{ x: 0, y: 0, score: 1 }], area: 1, score: 1 };
    expect(() => oksIou(short, [short])).toThrow(/1 keypoints but no sigmas/);
    expect(oksIou(short, [short], [0.5])).toEqual([1]);
  });
});

describe('oksNms (official oks_nms)', () => {
  it('keeps the best pose, suppresses near-duplicates (OKS > 0.9) and keeps distinct ones, best first', () => {
    const candidates = [pose(0, 0.5), pose(0.5, 0.9), pose(200, 0.7), pose(1, 0.8)];
    expect(oksNms(candidates, 0.9)).toEqual([1, 2]);
    // A looser threshold keeps everything, ordered by score.
    expect(oksNms(candidates, 1.0)).toEqual([1, 3, 2, 0]);
    expect(oksNms([], 0.9)).toEqual([]);
  });

  it('breaks score ties towards the later index, as argsort()[::-1]', () => {
    expect(oksNms([pose(0, 0.5), pose(500, 0.5)], 0.9)).toEqual([1, 0]);
  });
});

describe('rescorePoses (official coco.py evaluate)', () => {
  it('multiplies the box score by the mean of keypoint scores above in_vis_thre', () => {
    const a = { keypoints: [{ score: 0.9 }, { score: 0.5 }, { score: 0.1 }], box: { score: 0.5 } };
    const b = { keypoints: [{ score: 0.2 }, { score: 0.1 }] };
    expect(rescorePoses([a, b])).toEqual([0.35, 0]);
    expect(rescorePoses([b], 0.0)[0]).toBeCloseTo(0.15, 15);
  });
});
