import { describe, expect, it } from 'vitest';
import { type MpiiGroundTruth, pckh } from './pckh.js';

/** A person whose head box diagonal is 50 → PCKh@0.5 radius 0.5·0.6·50 = 15 px. */
function person(): MpiiGroundTruth {
  return {
    joints: Array.from({ length: 16 }, (_, j) => [101 + j * 10, 201] as [number, number]),
    visible: new Array(16).fill(1),
    headBox: [[0, 0], [30, 40]],
  };
}

describe('pckh (official MPII evaluation)', () => {
  it('counts a joint within 0.5·0.6·head diagonal, with the +1 MATLAB offset, weighting by visibility', () => {
    const gt = person();
    // 0-based predictions exactly on the gt, except: joint 0 off by 14 px (hit), joint 1 off by 16 (miss).
    const pred = gt.joints.map(([x, y]) => [x - 1, y - 1] as [number, number]);
    pred[0] = [pred[0][0] + 14, pred[0][1]];
    pred[1] = [pred[1][0], pred[1][1] + 16];
    gt.visible[15] = 0; // l_wrist not annotated: ignored
    const result = pckh([pred], [gt]);
    expect(result.perJoint[0]).toBe(100);
    expect(result.perJoint[1]).toBe(0);
    expect(result.knee).toBe(50); // r_knee missed, l_knee hit
    expect(Number.isNaN(result.perJoint[15])).toBe(true);
    // 13 counted joints (16 − pelvis − thorax − invisible l_wrist), 12 hits.
    expect(result.mean).toBeCloseTo((100 * 12) / 13, 10);
    // At 0.1 the radius is 3 px: joints 0 and 1 miss, the rest hit.
    expect(result.meanAt01).toBeCloseTo((100 * 11) / 13, 10);
  });
});
