import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../io/npy.js';
import { evaluateCoco } from './coco-eval.js';
import type { IouType } from './params.js';

// Parity with the official cocoapi run described in shared/fixtures/coco_eval/README.md.
const json = (file: string) => JSON.parse(readFileSync(fixturePath('coco_eval', file), 'utf8'));
const gt = json('gt.json');

const CASES: Array<{ iouType: IouType; prefix: string; results: string; catIds?: number[] }> = [
  // The official keypoint run set params.catIds = [1]; our default (categories with keypoints) is the same.
  { iouType: 'keypoints', prefix: 'kp', results: 'kp_results.json' },
  { iouType: 'bbox', prefix: 'bbox', results: 'bbox_results.json' },
];

describe.each(CASES)('COCOeval $iouType parity with pycocotools', ({ iouType, prefix, results }) => {
  const out = evaluateCoco({ gt, results: json(results), iouType });
  const expected = json(`${prefix}_stats.json`);

  it('uses the official params (categories, sorted images, thresholds, area ranges)', () => {
    expect(out.params.catIds).toEqual(expected.params.catIds);
    expect(out.params.imgIds).toEqual(expected.params.imgIds);
    expect(out.params.iouThrs).toEqual(expected.params.iouThrs); // includes NumPy's 0.8999999999999999
    expect(out.params.maxDets).toEqual(expected.params.maxDets);
    expect(out.params.areaRng).toEqual(expected.params.areaRng);
    expect(out.params.areaRngLbl).toEqual(expected.params.areaRngLbl);
    if (iouType === 'keypoints') expect(out.params.kptOksSigmas).toEqual(expected.params.kpt_oks_sigmas);
  });

  it('reproduces the summarize() stats to 1e-9 and its printed lines exactly', () => {
    expect(out.stats).toHaveLength(expected.stats.length);
    out.stats.forEach((value, i) => {
      expect(Math.abs(value - expected.stats[i].value), expected.stats[i].name).toBeLessThan(1e-9);
      expect(out.names[i]).toBe(expected.stats[i].name);
      // pycocotools prints each line with one leading space; the fixture stores it trimmed.
      expect(out.lines[i]).toBe(` ${expected.stats[i].summarize_line}`);
    });
  });

  it('reproduces the recall array [T, K, A, M] exactly', () => {
    const [T, , K, A, M] = out.counts;
    const flat = (expected.recall as number[][][][]).flat(3);
    expect(flat).toHaveLength(T * K * A * M);
    expect(Array.from(out.recall)).toEqual(flat);
  });

  it('reproduces the precision array exactly (−1 where a cell has no gt)', () => {
    const [T, R, K, A, M] = out.counts;
    const file = prefix === 'kp' ? 'kp_precision.npy' : 'bbox_precision_maxdet100.npy';
    const npy = parseNpy(readFileSync(fixturePath('coco_eval', file)));
    const ref = npy.values as Float64Array;
    // The bbox file holds maxDets=100 only (last M index).
    const m = prefix === 'kp' ? 0 : M - 1;
    expect(npy.shape.slice(0, 4)).toEqual([T, R, K, A]);
    let mismatches = 0;
    let empties = 0;
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < K; k++) {
          for (let a = 0; a < A; a++) {
            const ours = out.precision[(((t * R + r) * K + k) * A + a) * M + m];
            const theirs = ref[((t * R + r) * K + k) * A + a];
            if (ours !== theirs) mismatches++;
            if (theirs === -1) empties++;
          }
        }
      }
    }
    expect(mismatches).toBe(0);
    if (prefix === 'bbox') expect(empties).toBeGreaterThan(0); // the small-dog cell has no gt
  });

  it('reproduces the per-image evalImgs records (ids, scores, matches, ignore flags)', () => {
    const reference = json(`${prefix}_eval_imgs.json`);
    const ours = out.evalImgs.filter((e) => e !== null);
    expect(ours).toHaveLength(reference.length);
    ours.forEach((e, i) => {
      const { aRngLbl: _label, ...ref } = reference[i];
      expect({ ...e }).toEqual(ref);
    });
  });

  it('reproduces the IoU / OKS matrices to 1e-12', () => {
    const reference = json(`${prefix}_ious.json`);
    expect(out.ious.map((e) => [e.image_id, e.category_id])).toEqual(reference.map((e: { image_id: number; category_id: number }) => [e.image_id, e.category_id]));
    let maxAbs = 0;
    out.ious.forEach((entry, i) => {
      expect(entry.dtIds).toEqual(reference[i].dtIds);
      expect(entry.gtIds).toEqual(reference[i].gtIds);
      entry.ious.forEach((row, d) => row.forEach((v, g) => (maxAbs = Math.max(maxAbs, Math.abs(v - reference[i].ious[d][g])))));
      expect(entry.ious.map((row) => row.length)).toEqual(reference[i].ious.map((row: number[]) => row.length));
    });
    expect(maxAbs).toBeLessThan(1e-12);
  });
});

describe('COCOeval parity: designed edge cases are exercised', () => {
  it('keypoints: the maxDets=20 cut drops the late good copy on image 8470', () => {
    const out = evaluateCoco({ gt, results: json('kp_results.json'), iouType: 'keypoints' });
    const all = out.evalImgs.find((e) => e?.image_id === 8470 && e.aRng[1] === 1e10);
    expect(all?.dtIds).toHaveLength(20);
    expect(json('kp_results.json').filter((r: { image_id: number }) => r.image_id === 8470).length).toBeGreaterThan(20);
  });

  it('bbox: AR@10 < AR@100 because of the low-scored copy on image 61268', () => {
    const out = evaluateCoco({ gt, results: json('bbox_results.json'), iouType: 'bbox' });
    expect(out.stats[7]).toBeLessThan(out.stats[8]);
  });
});
