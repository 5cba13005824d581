import { describe, expect, it } from 'vitest';
import { stepLrWithWarmup } from './lr-schedule.js';

describe('stepLrWithWarmup (mmcv step policy + linear warmup)', () => {
  const s = { baseLr: 0.02, warmupIters: 500, warmupRatio: 0.001, steps: [8, 11], gamma: 0.1 };
  it('warms up linearly from ratio·lr, then steps by epoch', () => {
    expect(stepLrWithWarmup(s, 0, 0)).toBeCloseTo(0.02 * 0.001, 12);
    expect(stepLrWithWarmup(s, 0, 250)).toBeCloseTo(0.02 * (1 - 0.5 * 0.999), 12);
    expect(stepLrWithWarmup(s, 0, 500)).toBe(0.02);
    expect(stepLrWithWarmup(s, 7, 9999)).toBe(0.02);
    expect(stepLrWithWarmup(s, 8, 9999)).toBeCloseTo(0.002, 12);
    expect(stepLrWithWarmup(s, 11, 9999)).toBeCloseTo(0.0002, 12);
    expect(stepLrWithWarmup({ ...s, warmupRatio: 1 / 3 }, 0, 0)).toBeCloseTo(0.02 / 3, 12);
  });
});
