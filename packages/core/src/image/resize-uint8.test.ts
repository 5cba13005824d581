import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.js';
import { resizeBilinearUint8 } from './resize-uint8.js';

describe('resizeBilinearUint8 (OpenCV uint8 INTER_LINEAR)', () => {
  it('reproduces mmdet/OpenCV det_pipeline/resized.png exactly from image.png (500×375 → 1067×800)', async () => {
    const image = await decodeImage(readFileSync(fixturePath('det_pipeline', 'image.png')));
    const expected = await decodeImage(readFileSync(fixturePath('det_pipeline', 'resized.png')));
    const actual = resizeBilinearUint8(image, 1067, 800);
    expect([actual.width, actual.height]).toEqual([1067, 800]);
    let mismatches = 0;
    for (let i = 0; i < actual.data.length; i++) if (actual.data[i] !== expected.data[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('doubles a 2×1 row with hand-checked fixed-point values', () => {
    // x sources: f = -0.25 → (0, 0); 0.25 → 0·0.75 + 100·0.25 = 25; 0.75 → 75; 1.25 → clamp (1, 0) = 100.
    const out = resizeBilinearUint8({ width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 100, 100, 100]) }, 4, 1);
    expect(Array.from(out.data.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 75, 100]);
  });

  it('averages 2×2 blocks for an exact ×½ downscale (OpenCV INTER_AREA shortcut), rounding half up', () => {
    const data = Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 5, 5, 5]); // (1+2+3+5+2)>>2 = 3
    expect(Array.from(resizeBilinearUint8({ width: 2, height: 2, data }, 1, 1).data)).toEqual([3, 3, 3]);
  });

  it('returns a copy for the same size and rejects bad sizes', () => {
    const image = { width: 1, height: 1, data: Uint8Array.from([7, 8, 9]) };
    const same = resizeBilinearUint8(image, 1, 1);
    expect(Array.from(same.data)).toEqual([7, 8, 9]);
    expect(same.data).not.toBe(image.data);
    expect(() => resizeBilinearUint8(image, 0, 3)).toThrow(/positive integers, got 0×3/);
    expect(() => resizeBilinearUint8({ width: 2, height: 2, data: new Uint8Array(5) }, 1, 1)).toThrow(/expected 2×2×3 = 12 bytes, got 5/);
  });
});
