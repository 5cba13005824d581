import { readNpyFile } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { type HeatmapArray, getFinalPreds, getMaxPreds, refineQuarterOffset } from './inference.js';

/** One joint's W×H heatmap from rows. */
function map(rows: number[][]): HeatmapArray {
  return { data: Float32Array.from(rows.flat()), shape: [1, 1, rows.length, rows[0].length] };
}

function zeros(h: number, w: number): number[][] {
  return Array.from({ length: h }, () => new Array(w).fill(0));
}

describe('getMaxPreds', () => {
  it('takes the first maximum in row-major order and zeroes coords whose max is ≤ 0', () => {
    const rows = zeros(3, 4);
    rows[1][2] = 5;
    rows[2][0] = 5; // a tie later in row-major order loses
    expect(getMaxPreds(map(rows))).toEqual({ coords: Float32Array.from([2, 1]), maxvals: Float32Array.from([5]) });
    const negative = zeros(3, 4).map((r) => r.map(() => -1));
    negative[2][3] = -0.5;
    expect(getMaxPreds(map(negative))).toEqual({ coords: Float32Array.from([0, 0]), maxvals: Float32Array.from([-0.5]) });
  });
});

describe('refineQuarterOffset (POST_PROCESS)', () => {
  it('moves 0.25 towards the larger neighbour on each axis, sign(0) = 0', () => {
    const rows = zeros(5, 5);
    rows[2][2] = 9;
    rows[2][3] = 4; // right > left → +0.25 in x
    rows[1][2] = 1; // up > down → −0.25 in y
    const coords = Float32Array.from([2, 2]);
    refineQuarterOffset(map(rows), coords);
    expect(Array.from(coords)).toEqual([2.25, 1.75]);
    rows[1][2] = 0; // equal neighbours in y → no move
    const again = Float32Array.from([2, 2]);
    refineQuarterOffset(map(rows), again);
    expect(Array.from(again)).toEqual([2.25, 2]);
  });

  it('refines only when 1 < px < W−1 and 1 < py < H−1 (index 1 and the last index excluded)', () => {
    const rows = zeros(5, 5).map((r) => r.map((_, x) => x)); // increasing to the right
    for (const [x, y, moved] of [[1, 2, false], [2, 1, false], [3, 3, true], [4, 2, false], [2, 4, false]] as const) {
      const coords = Float32Array.from([x, y]);
      refineQuarterOffset(map(rows), coords);
      expect(coords[0], `(${x}, ${y})`).toBe(moved ? x + 0.25 : x);
    }
  });
});

describe('getFinalPreds on the official heatmaps', () => {
  it.each([
    ['heatmaps_flip_avg', 'preds', 'maxvals'],
    ['heatmaps_noflip', 'preds_noflip', 'maxvals_noflip'],
  ])('%s → %s and %s exactly (same float32 values)', async (hm, predsName, maxName) => {
    const heatmaps = await readNpyFile(fixturePath('pose', `${hm}.npy`));
    const { coords, maxvals } = getFinalPreds(
      { data: heatmaps.values as Float32Array, shape: heatmaps.shape as [number, number, number, number] },
      [{ center: [275, 230], scale: [1.40625, 1.875] }],
    );
    expect(Array.from(coords)).toEqual(Array.from((await readNpyFile(fixturePath('pose', `${predsName}.npy`))).values as Float32Array));
    expect(Array.from(maxvals)).toEqual(Array.from((await readNpyFile(fixturePath('pose', `${maxName}.npy`))).values as Float32Array));
  });

  it('maps heatmap (W/2, H/2) to the center and one heatmap pixel to scale[0]·200/W image pixels', () => {
    const rows = zeros(8, 6);
    rows[4][3] = 1;
    const { coords } = getFinalPreds(map(rows), [{ center: [100, 50], scale: [0.3, 0.4] }], false);
    expect(Array.from(coords)).toEqual([100, 50]);
    rows[4][3] = 0;
    rows[5][4] = 1;
    // 60 px / 6 columns = 10 px per heatmap pixel, on both axes.
    expect(Array.from(getFinalPreds(map(rows), [{ center: [100, 50], scale: [0.3, 0.4] }], false).coords)).toEqual([110, 60]);
  });

  it('needs one box per heatmap set', () => {
    expect(() => getFinalPreds(map(zeros(2, 2)), [])).toThrow(/1 heatmap sets but 0 boxes/);
  });
});
