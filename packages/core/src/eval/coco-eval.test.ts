import { describe, expect, it } from 'vitest';
import { evaluateCoco } from './coco-eval.js';
import type { CocoAnnotation, CocoResult } from './coco-types.js';

let nextId = 1;
/** A full-precision cell is tp / (tp + fp + eps) = 1 / (1 + 2^-52) = 1 - 2^-52, as in pycocotools. */
const ONE = 1 / (1 + 2.220446049250313e-16);
/** Stats equal up to that last-bit effect of pycocotools' eps (and exactly where they are −1 or 0). */
function expectStats(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `stat ${i}: ${v} vs ${expected[i]}`).toBeLessThan(1e-12));
}
function box(imageId: number, bbox: number[], extra: Partial<CocoAnnotation> = {}): CocoAnnotation {
  return { id: nextId++, image_id: imageId, category_id: 1, bbox, area: bbox[2] * bbox[3], iscrowd: 0, ...extra };
}
function gtOf(annotations: CocoAnnotation[], imageIds = [1]) {
  return { images: imageIds.map((id) => ({ id })), categories: [{ id: 1, name: 'thing' }], annotations };
}
const det = (imageId: number, bbox: number[], score: number): CocoResult => ({ image_id: imageId, category_id: 1, bbox, score });

describe('evaluateCoco bbox: hand-checkable cases', () => {
  it('one gt, one perfect detection: every AP/AR with a gt in range is 1, the empty ranges are −1', () => {
    // area 2500 is "medium" (32² ≤ a ≤ 96²): small and large have no gt.
    const out = evaluateCoco({ gt: gtOf([box(1, [10, 10, 50, 50])]), results: [det(1, [10, 10, 50, 50], 0.9)], iouType: 'bbox' });
    expectStats(out.stats, [1, 1, 1, -1, 1, -1, 1, 1, 1, -1, 1, -1]);
    expect(out.stats[0]).toBe(ONE); // AP reads 1 - 2^-52 exactly like pycocotools
    expect(out.stats[6]).toBe(1); // recall has no eps
    expect(out.lines[3]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000');
    expect(out.lines[6]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000');
  });

  it('IoU 0.625 (between thresholds) matches at .50, .55 and .60 only: AP = 3/10', () => {
    const out = evaluateCoco({ gt: gtOf([box(1, [0, 0, 10, 10])]), results: [det(1, [0, 0, 10, 6.25], 0.9)], iouType: 'bbox' });
    expect(out.ious[0].ious).toEqual([[0.625]]);
    expect(out.stats[0]).toBeCloseTo(0.3, 12);
    expect(out.stats[1]).toBeCloseTo(1, 12); // AP50
    expect(out.stats[2]).toBe(0); // AP75
    expect(out.stats[8]).toBeCloseTo(0.3, 12); // AR100
  });

  it('a crowd gt absorbs duplicate detections (ignored); without it they are false positives', () => {
    const person = box(1, [0, 0, 20, 20]);
    const crowd = box(1, [100, 100, 200, 200], { iscrowd: 1 });
    const results = [det(1, [120, 120, 30, 30], 0.95), det(1, [150, 150, 30, 30], 0.9), det(1, [0, 0, 20, 20], 0.5)];
    const withCrowd = evaluateCoco({ gt: gtOf([person, crowd]), results, iouType: 'bbox' });
    expect(withCrowd.stats[0]).toBe(ONE);
    const crowdMatches = withCrowd.evalImgs[0]?.dtMatches[0];
    expect(crowdMatches).toEqual([crowd.id, crowd.id, person.id]);
    const withoutCrowd = evaluateCoco({ gt: gtOf([person]), results, iouType: 'bbox' });
    // Two false positives rank above the only true positive: precision 1/3 at recall 1 everywhere.
    expect(withoutCrowd.stats[0]).toBeCloseTo(1 / 3, 12);
  });

  it('detections on an image without gt are false positives ranked by score across images', () => {
    const gt = gtOf([box(1, [0, 0, 40, 40])], [1, 2]);
    const high = evaluateCoco({ gt, results: [det(1, [0, 0, 40, 40], 0.5), det(2, [0, 0, 40, 40], 0.9)], iouType: 'bbox' });
    expect(high.stats[0]).toBeCloseTo(0.5, 12);
    const low = evaluateCoco({ gt, results: [det(1, [0, 0, 40, 40], 0.5), det(2, [0, 0, 40, 40], 0.1)], iouType: 'bbox' });
    expect(low.stats[0]).toBe(ONE);
  });

  it('maxDets: with two gts and two perfect detections AR@1 = 0.5 and AR@10 = 1', () => {
    const gt = gtOf([box(1, [0, 0, 40, 40]), box(1, [100, 0, 40, 40])]);
    const out = evaluateCoco({ gt, results: [det(1, [0, 0, 40, 40], 0.8), det(1, [100, 0, 40, 40], 0.7)], iouType: 'bbox' });
    expect(out.stats.slice(6, 9)).toEqual([0.5, 1, 1]);
  });

  it('no results at all gives 0 where there is gt (pycocotools itself cannot load an empty list)', () => {
    const out = evaluateCoco({ gt: gtOf([box(1, [0, 0, 40, 40])]), results: [], iouType: 'bbox' });
    expect(out.stats[0]).toBe(0);
    expect(out.stats[8]).toBe(0);
  });
});

describe('evaluateCoco keypoints: hand-checkable cases', () => {
  const kps = [10, 10, 2, 20, 10, 2, 15, 20, 1, ...new Array(14 * 3).fill(0)];
  const person = (extra: Partial<CocoAnnotation> = {}) => box(1, [0, 0, 40, 50], { keypoints: kps, num_keypoints: 3, area: 1500, ...extra });
  const gtKp = (annotations: CocoAnnotation[]) => ({
    images: [{ id: 1 }],
    categories: [{ id: 1, name: 'person', keypoints: new Array(17).fill('k') }, { id: 2, name: 'dog' }],
    annotations: [...annotations, { id: 999, image_id: 1, category_id: 2, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 }],
  });

  it('a perfect pose gives AP 1 over person only (the default categories are those with keypoints)', () => {
    const out = evaluateCoco({ gt: gtKp([person()]), results: [{ image_id: 1, category_id: 1, keypoints: kps, score: 0.9 }], iouType: 'keypoints' });
    expect(out.params.catIds).toEqual([1]);
    expect(out.params.maxDets).toEqual([20]);
    expect(out.ious[0].ious).toEqual([[1]]);
    // gt area 1500 is medium; large has no gt.
    expectStats(out.stats, [1, 1, 1, 1, -1, 1, 1, 1, 1, -1]);
    expect(out.lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 1.000');
  });

  it('a person with num_keypoints 0 is ignored: a detection on it is neither TP nor FP', () => {
    const out = evaluateCoco({
      gt: gtKp([person(), person({ keypoints: new Array(51).fill(0), num_keypoints: 0, bbox: [200, 200, 40, 50] })]),
      results: [
        { image_id: 1, category_id: 1, keypoints: new Array(17).fill([220, 220, 1]).flat(), score: 0.99 },
        { image_id: 1, category_id: 1, keypoints: kps, score: 0.5 },
      ],
      iouType: 'keypoints',
    });
    expect(out.evalImgs[0]?.gtIgnore).toEqual([0, 1]);
    expect(out.evalImgs[0]?.dtIgnore[0]).toEqual([1, 0]);
    expect(out.stats[0]).toBe(ONE);
  });

  it('says when the keypoint count does not match the OKS sigmas (e.g. 16 MPII joints against COCO’s 17)', () => {
    const mpii = [...new Array(16).fill([10, 10, 1]).flat()];
    expect(() => evaluateCoco({ gt: gtKp([person()]), results: [{ image_id: 1, category_id: 1, keypoints: mpii, score: 1 }], iouType: 'keypoints' })).toThrow(
      /results\[0\] has 16 keypoints but params.kptOksSigmas has 17/,
    );
    const sigmas16 = new Array(16).fill(0.05);
    expect(() => evaluateCoco({ gt: gtKp([person()]), results: [{ image_id: 1, category_id: 1, keypoints: mpii, score: 1 }], iouType: 'keypoints', params: { kptOksSigmas: sigmas16 } })).toThrow(
      /gt annotation \d+ has 17 keypoints but params.kptOksSigmas has 16/,
    );
  });

  it('asks for catIds when evaluating keypoints on a category without num_keypoints', () => {
    expect(() => evaluateCoco({ gt: gtKp([person()]), results: [{ image_id: 1, category_id: 1, keypoints: kps, score: 1 }], iouType: 'keypoints', params: { catIds: [1, 2] } })).toThrow(
      /gt annotation 999 \(image 1, category 2\) has no keypoints.*restrict catIds/,
    );
  });
});

describe('evaluateCoco input errors', () => {
  const gt = gtOf([box(1, [0, 0, 40, 40])]);
  it('rejects results on images the gt does not have, as pycocotools asserts', () => {
    expect(() => evaluateCoco({ gt, results: [det(1, [0, 0, 1, 1], 1), det(77, [0, 0, 1, 1], 1)], iouType: 'bbox' })).toThrow(
      /Results do not correspond to current coco set.*\(77\)/,
    );
  });

  it('names the malformed field', () => {
    expect(() => evaluateCoco({ gt, results: { bbox: [] }, iouType: 'bbox' })).toThrow(/results must be an array/);
    expect(() => evaluateCoco({ gt, results: [det(1, [0, 0, 1, 1], 1), { image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 'high' }], iouType: 'bbox' })).toThrow(
      /results\[1\]\.score must be a finite number, got "high"/,
    );
    expect(() => evaluateCoco({ gt, results: [{ image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 1 }], iouType: 'bbox' })).toThrow(/results\[0\]\.bbox must be \[x, y, width, height\]/);
    expect(() => evaluateCoco({ gt, results: [{ image_id: 1, category_id: 1, keypoints: [1, 2], score: 1 }], iouType: 'keypoints' })).toThrow(/results\[0\]\.keypoints must be a flat list/);
    expect(() => evaluateCoco({ gt, results: [{ image_id: 1, category_id: 1, score: 1 }], iouType: 'bbox' })).toThrow(/results\[0\] must carry a non-empty bbox/);
    const noArea = { ...gt, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], iscrowd: 0 }] };
    expect(() => evaluateCoco({ gt: noArea, results: [], iouType: 'bbox' })).toThrow(/gt\.annotations\[0\]\.area must be a finite number, got nothing/);
    expect(() => evaluateCoco({ gt: { images: [], categories: [] }, results: [], iouType: 'bbox' })).toThrow(/gt\.annotations must be an array/);
    expect(() => evaluateCoco({ gt: { ...gt, annotations: [{ ...gt.annotations[0], iscrowd: 'no' }] }, results: [], iouType: 'bbox' })).toThrow(/gt\.annotations\[0\]\.iscrowd must be 0 or 1/);
    expect(() => evaluateCoco({ gt, results: [], iouType: 'keypoints' })).toThrow(/no category of the ground truth has keypoints/);
  });
});

describe('evaluateCoco scale', () => {
  it('evaluates 5000 images × 20 detections (3 categories) without quadratic blow-up', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const randomBox = () => [rnd() * 500, rnd() * 500, 10 + rnd() * 100, 10 + rnd() * 100];
    const images = [];
    const annotations: CocoAnnotation[] = [];
    const results: CocoResult[] = [];
    for (let i = 1; i <= 5000; i++) {
      images.push({ id: i });
      for (let g = 0; g < 5; g++) annotations.push(box(i, randomBox(), { category_id: 1 + (g % 3) }));
      // Half the detections copy a gt (true positives), half are random; scores on a 0.01 grid tie a lot.
      for (let d = 0; d < 20; d++) {
        const bbox = d < 10 ? [...annotations[annotations.length - 1 - (d % 5)].bbox] : randomBox();
        results.push({ image_id: i, category_id: d < 10 ? annotations[annotations.length - 1 - (d % 5)].category_id : 1 + (d % 3), bbox, score: Math.round(rnd() * 100) / 100 });
      }
    }
    // Bounded work, not a duration: count every property read of the input records. Grouping by
    // image once reads each record a few times; a scan of all records per image (the quadratic
    // blow-up this guards) would read each one 5000 times.
    const reads = { n: 0 };
    const counted = <T extends object>(o: T): T =>
      new Proxy(o, {
        get: (t, k, r) => {
          reads.n++;
          return Reflect.get(t, k, r);
        },
      });
    const out = evaluateCoco({
      gt: { images, annotations: annotations.map(counted), categories: [{ id: 1 }, { id: 2 }, { id: 3 }] },
      results: results.map(counted),
      iouType: 'bbox',
    });
    expect(reads.n).toBeGreaterThan(annotations.length + results.length);
    expect(reads.n).toBeLessThan(64 * (annotations.length + results.length));
    expect(out.evalImgs).toHaveLength(3 * 4 * 5000);
    expect(out.stats[8]).toBeGreaterThan(0.9); // every gt has an exact copy among its image's detections
    expect(out.stats[0]).toBeGreaterThan(0.3);
  });
});
