import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import {
  countsFromString,
  decodeMask,
  encodeMask,
  maskArea,
  maskIou,
  maskToBbox,
  maskToCounts,
  mergeMasks,
  type RleCounts,
  segmentationToRle,
} from './mask.js';

// Values of cocoapi's maskApi.c (tools/oracle/cases/coco_segm/README.md).
const api = JSON.parse(readFileSync(join(repoRoot(), 'tools/oracle/cases/coco_segm/mask_api.json'), 'utf8'));
const H: number = api.height;
const W: number = api.width;

describe('mask API = pycocotools (maskApi.c)', () => {
  const rles = (api.masks_row_major as number[][]).map((m) => encodeMask(m, H, W));

  it('encode gives the same compressed strings; decode inverts it', () => {
    expect(rles.map((r) => r.counts)).toEqual(api.encoded);
    rles.forEach((r, i) => expect(Array.from(decodeMask(r))).toEqual(api.masks_row_major[i]));
  });

  it('long runs (multi-character counts) round-trip, with the area of the box', () => {
    const [h, w] = api.big.size;
    const [y0, y1, x0, x1] = api.big.box;
    const m = new Uint8Array(h * w);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
    const r = encodeMask(m, h, w);
    expect(r.counts).toBe(api.big.encoded);
    expect(maskArea(r)).toBe(api.big.area);
    expect(maskToCounts(decodeMask(r), h, w)).toEqual(countsFromString(r.counts));
  });

  it('area, toBbox and iou (with crowd columns) are the same numbers', () => {
    expect(rles.map(maskArea)).toEqual(api.area);
    expect(rles.map(maskToBbox)).toEqual(api.bbox);
    const iou = maskIou(rles, rles, api.iscrowd);
    const n = rles.length;
    const rows = Array.from({ length: n }, (_, d) => Array.from(iou.subarray(d * n, (d + 1) * n)));
    expect(rows).toEqual(api.iou);
  });

  it('polygons (and 4-number lists, which pycocotools reads as boxes) rasterise identically; merge is the union', () => {
    const polys = (api.polygons as number[][][]).map((p) => segmentationToRle(p, H, W) as RleCounts);
    expect(polys.map((p) => encodeMask(decodeMask(p), H, W).counts)).toEqual(api.polygon_encoded);
    expect(polys.map(maskArea)).toEqual(api.polygon_area);
    const merged = mergeMasks(rles.slice(1).map((r) => ({ size: r.size, counts: countsFromString(r.counts) })));
    expect(encodeMask(decodeMask(merged), H, W).counts).toBe(api.merge_all);
  });

  it('bad input fails with what was expected', () => {
    expect(() => encodeMask([1, 0], 2, 2)).toThrow(/mask has 2 pixels, expected 2×2/);
    expect(() => decodeMask({ size: [2, 2], counts: [1, 1] })).toThrow(/RLE counts sum to 2, expected 2×2 = 4/);
    expect(() => maskIou([{ size: [2, 2], counts: [4] }], [{ size: [3, 2], counts: [6] }], [0])).toThrow(/detection 0 is 2×2 but ground truth 0 is 3×2/);
    expect(() => segmentationToRle({ counts: 'abc' }, 2, 2)).toThrow(/polygons or an RLE/);
  });
});
