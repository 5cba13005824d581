import { describe, expect, it } from 'vitest';
import { roiAlign } from './roi-align.js';
import { mapRoiLevels } from './roi-extractor.js';

/** H×W×C map whose channel c holds x + 100·c. */
function ramp(height: number, width: number, channels: number) {
  const data = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = x + 100 * c;
  return { data, height, width, channels };
}

describe('roiAlign (aligned, adaptive sampling)', () => {
  it('samples bin centres in pixel-centre coordinates and writes [N, C, P, P] channel-major', () => {
    // roi x 2..6 at scale 1, aligned → 1.5..5.5; 2 bins of width 2 → centres 2.5 and 4.5 (x-ramp is linear).
    const out = roiAlign(ramp(8, 8, 2), Float32Array.from([2, 2, 6, 6]), { outputSize: 2, spatialScale: 1, samplingRatio: 0, aligned: true });
    expect(Array.from(out)).toEqual([2.5, 4.5, 2.5, 4.5, 102.5, 104.5, 102.5, 104.5]);
  });

  it('spatial scale maps image boxes onto the level; samples beyond the border clamp, beyond −1 are zero', () => {
    const half = roiAlign(ramp(8, 8, 1), Float32Array.from([4, 4, 12, 12]), { outputSize: 1, spatialScale: 0.5, samplingRatio: 1, aligned: true });
    expect(half[0]).toBeCloseTo(3.5, 6); // (4..12)/2 − 0.5 = 1.5..5.5, centre 3.5
    const edge = roiAlign(ramp(4, 4, 1), Float32Array.from([3.5, 0, 5.5, 4]), { outputSize: 1, spatialScale: 1, samplingRatio: 1, aligned: true });
    expect(edge[0]).toBe(3); // centre x = 4 > W − 1 → clamps to column 3
    const outside = roiAlign(ramp(4, 4, 1), Float32Array.from([-10, 0, -6, 4]), { outputSize: 1, spatialScale: 1, samplingRatio: 1, aligned: true });
    expect(outside[0]).toBe(0);
  });
});

describe('mapRoiLevels (finest_scale 56)', () => {
  it('sends √(w·h) < 112 to level 0, < 224 to 1, < 448 to 2, the rest to 3', () => {
    const rois = Float32Array.from([0, 0, 56, 56, 0, 0, 111, 111, 0, 0, 112, 112, 0, 0, 224, 224, 0, 0, 447, 447, 0, 0, 2000, 900, 0, 0, 1, 1]);
    expect(Array.from(mapRoiLevels(rois, 4))).toEqual([0, 0, 1, 2, 2, 3, 0]);
  });
});
