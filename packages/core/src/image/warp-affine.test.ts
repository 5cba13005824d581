import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { readNpyFile } from '../node/npy-file.js';
import { decodeImage } from './decode-image.js';
import { type AffineMatrix, cvRound, invertAffineLikeOpenCV, warpAffine } from './warp-affine.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

describe('cvRound', () => {
  it('rounds half to even like the SSE2 conversion, saturating to INT_MIN', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.5001].map(cvRound)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
    expect(cvRound(1e12)).toBe(-2147483648);
  });
});

describe('warpAffine (OpenCV INTER_LINEAR, BORDER_CONSTANT, uint8)', () => {
  const tiny = { width: 2, height: 2, data: Uint8Array.from([10, 20, 30, 50, 60, 70, 90, 100, 110, 130, 140, 150]) };

  it('the identity copies the image; a half-pixel shift averages with round-half-up', () => {
    expect(Array.from(warpAffine(tiny, [1, 0, 0, 0, 1, 0], 2, 2).data)).toEqual(Array.from(tiny.data));
    // Output x samples source x + 0.5: (10 + 50) / 2 = 30, then the right tap is outside (black): 25.
    const shifted = warpAffine(tiny, [1, 0, -0.5, 0, 1, 0], 2, 1);
    expect(Array.from(shifted.data)).toEqual([30, 40, 50, 25, 30, 35]);
  });

  it('pixels partly outside the image blend with the border colour; wholly outside ones are the border', () => {
    const one = { width: 1, height: 1, data: Uint8Array.from([200, 100, 51]) };
    // Source x = −0.5 and +0.5: one tap inside, one outside, weight 1/2 each (51/2 = 25.5 → 26).
    expect(Array.from(warpAffine(one, [1, 0, 0.5, 0, 1, 0], 2, 1).data)).toEqual([100, 50, 26, 100, 50, 26]);
    expect(Array.from(warpAffine(one, [1, 0, 0.5, 0, 1, 0], 2, 1, { borderValue: [255, 255, 255] }).data)).toEqual([
      228, 178, 153, 228, 178, 153,
    ]);
    expect(Array.from(warpAffine(one, [1, 0, 5, 0, 1, 0], 1, 1).data)).toEqual([0, 0, 0]);
  });

  it('quantises source positions to 1/32 px: a 1/3-px shift uses the 11/32 weight', () => {
    const ramp = { width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 255, 255, 255]) };
    // x_src = 1/3 → 341.33/1024 → round 341, +16 → 357 >> 5 = 11 (in 1/32): 255·11/32 = 87.66 → 88.
    const out = warpAffine(ramp, [1, 0, -1 / 3, 0, 1, 0], 1, 1);
    expect(out.data[0]).toBe(88);
  });

  it('inverts the forward map with OpenCV’s explicit 2×2 formula', () => {
    const inv = invertAffineLikeOpenCV([2, 0, 10, 0, 4, -8]);
    expect(inv).toEqual([0.5, -0, -5, -0, 0.25, 2]);
  });

  it('reproduces the official crop of the pose fixture (crop_input.npy) within one grey level', async () => {
    const pipeline = JSON.parse(readFileSync(fixturePath('pose', 'pipeline.json'), 'utf8'));
    const image = await decodeImage(readFileSync(fixturePath('pose', 'image.png')));
    const matrix = (pipeline.affine_image_to_input as number[][]).flat() as unknown as AffineMatrix;
    const crop = warpAffine(image, matrix, 192, 256);
    const expected = await readNpyFile(fixturePath('pose', 'crop_input.npy'));
    const values = expected.values as Float32Array;
    const plane = 256 * 192;
    let maxGrey = 0;
    let differing = 0;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const official = Math.round((values[c * plane + i] * STD[c] + MEAN[c]) * 255);
        const d = Math.abs(crop.data[i * 3 + c] - official);
        maxGrey = Math.max(maxGrey, d);
        if (d !== 0) differing++;
      }
    }
    expect(maxGrey).toBeLessThanOrEqual(1);
    // Measured: OpenCV's fixed-point path is emulated exactly, so no value differs at all.
    expect(differing).toBe(0);
  });

  it('rejects a bad matrix, size or source with a clear error', () => {
    expect(() => warpAffine(tiny, [1, 0, 0, 0, 1] as unknown as AffineMatrix, 2, 2)).toThrow(/6 finite numbers/);
    expect(() => warpAffine(tiny, [1, 0, 0, 0, 1, 0], 0, 2)).toThrow(/output size must be positive integers/);
    expect(() => warpAffine({ ...tiny, width: 3 }, [1, 0, 0, 0, 1, 0], 2, 2)).toThrow(/expected 3×2×3/);
  });
});
