import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { affineTransform, getAffineTransform, solveAffineFromPoints } from './affine-transform.js';
import { xywh2cs } from './center-scale.js';

const pipeline = JSON.parse(readFileSync(fixturePath('pose', 'pipeline.json'), 'utf8'));

/** Largest |a−b| relative to the largest |b| of the matrix. */
function relDiff(actual: readonly number[], expected: readonly number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  return Math.max(...actual.map((v, i) => Math.abs(v - expected[i]))) / scale;
}

describe('getAffineTransform (official get_affine_transform + cv2.getAffineTransform)', () => {
  const { center, scale } = xywh2cs({ x: 200, y: 80, width: 150, height: 300 }, 192 / 256);

  it('reproduces the fixture image→input matrix, including OpenCV’s round-off entries', () => {
    const m = getAffineTransform(center, scale, 0, [192, 256]);
    const expected = (pipeline.affine_image_to_input as number[][]).flat();
    expect(relDiff(m, expected)).toBeLessThan(1e-12);
    // The LU solve leaves −0 and 3.9e-17 off the diagonal; the same elimination order gives the same bits.
    expect(m).toEqual(expected);
  });

  it('reproduces the fixture heatmap→image matrix (inverse, heatmap size 48×64)', () => {
    const m = getAffineTransform(center, scale, 0, [48, 64], true);
    const expected = (pipeline.affine_heatmap_to_image as number[][]).flat();
    expect(relDiff(m, expected)).toBeLessThan(1e-12);
  });

  it('maps the center to (W/2, H/2) and scales by W / (scale[0]·200) on both axes', () => {
    const m = getAffineTransform([100, 50], [2, 5], 0, [200, 100]);
    expect(affineTransform([100, 50], m)).toEqual([100, 50]);
    const [x, y] = affineTransform([140, 70], m);
    // s = 200 / 400 = 0.5 for x AND y (scale[1] is ignored).
    expect(x).toBeCloseTo(120, 12);
    expect(y).toBeCloseTo(60, 12);
  });

  it('rotates the source direction by rot degrees', () => {
    // 90°: the source direction (0, −100) becomes (100, 0), which maps to the output's top middle.
    const m = getAffineTransform([0, 0], [1, 1], 90, [200, 200]);
    const [x, y] = affineTransform([100, 0], m);
    expect(x).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(0, 9);
  });

  it('solves a hand-checkable three-point system and rejects collinear points', () => {
    const m = solveAffineFromPoints([[0, 0], [1, 0], [0, 1]], [[5, 6], [7, 6], [5, 9]]);
    expect(m).toEqual([2, 0, 5, 0, 3, 6]);
    expect(() => solveAffineFromPoints([[0, 0], [1, 1], [2, 2]], [[0, 0], [1, 0], [0, 1]])).toThrow(/collinear/);
  });
});
