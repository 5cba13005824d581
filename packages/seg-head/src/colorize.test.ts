import { describe, expect, it } from 'vitest';
import { colorize, overlay } from './colorize.js';

const palette = [[10, 20, 30], [200, 100, 0]] as const;

describe('colorize / overlay', () => {
  it('colours each label; unknown labels (255) are black', () => {
    const img = colorize({ labels: Int32Array.from([0, 1, 255]), width: 3, height: 1 }, palette);
    expect(Array.from(img.data)).toEqual([10, 20, 30, 200, 100, 0, 0, 0, 0]);
  });

  it('blends round((1 − α)·image + α·colour) and leaves unknown labels alone', () => {
    const image = { data: Uint8Array.from([100, 100, 100, 0, 0, 255, 7, 8, 9]), width: 3, height: 1 };
    const out = overlay(image, [0, 1, 255], palette, 0.25);
    expect(Array.from(out.data)).toEqual([78, 80, 83, 50, 25, 191, 7, 8, 9]);
    expect(() => overlay(image, [0, 1], palette)).toThrow(/labels has 2 values but the image is 3×1/);
  });
});
