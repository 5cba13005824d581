import { describe, expect, it } from 'vitest';
import { scaledSize, slidingWindows } from './sliding-window.js';

const boxes = (...args: Parameters<typeof slidingWindows>) => slidingWindows(...args).map((b) => [b.h0, b.h1, b.w0, b.w1]);

describe('slidingWindows / scaledSize', () => {
  it('cityscapes: stride = crop, last window shifted back inside', () => {
    // 1024×2048 at scale 1.5 (1536×3072), crop 1024×2048: rows ceil(512/1024)+1 = 2, cols 2.
    expect(boxes(1536, 3072, [1024, 2048], 'cityscapes')).toEqual([
      [0, 1024, 0, 2048], [0, 1024, 1024, 3072], [512, 1536, 0, 2048], [512, 1536, 1024, 3072],
    ]);
    // Smaller than the crop: one window, the whole image.
    expect(boxes(100, 150, [224, 288], 'cityscapes')).toEqual([[0, 100, 0, 150]]);
  });

  it('base: stride int(2/3 crop), border windows end at the edge (padded later)', () => {
    // crop 520 → stride 346; 700 wide → cols ceil(180/346)+1 = 2: [0,520] and [346,700].
    expect(boxes(520, 700, [520, 520], 'base')).toEqual([[0, 520, 0, 520], [0, 520, 346, 700]]);
  });

  it('scaledSize: long side int(base·s + 0.5), other int(side·long/longSide + 0.5)', () => {
    expect(scaledSize(1024, 2048, 2048, 0.75)).toEqual([768, 1536]);
    expect(scaledSize(375, 500, 520, 1.25)).toEqual([488, 650]); // 650·375/500 = 487.5 → 488
    expect(scaledSize(500, 333, 520, 0.5)).toEqual([260, 173]); // 333·260/500 = 173.16
  });
});
