import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { evaluateCoco } from './coco-eval.js';

// pycocotools COCOeval(iouType='segm') on synthetic masks: tools/oracle/cases/coco_segm/README.md.
const dir = join(repoRoot(), 'tools/oracle/cases/coco_segm');
const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const manifest = json('manifest.json');

describe.each(['segm_results', 'segm_results_bbox'])('COCOeval segm parity with pycocotools: %s', (name) => {
  const out = evaluateCoco({ gt: json('gt.json'), results: json(`${name}.json`), iouType: 'segm' });

  it('the 12 stats are bit-identical', () => {
    expect(out.stats).toEqual(manifest[name].stats);
    expect(out.lines[0]).toMatch(/^ Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = /);
  });

  it('the mask IoU matrices are the same numbers', () => {
    const expected = json(`${name}_ious.json`) as Array<{ image_id: number; category_id: number; ious: number[][] }>;
    const ours = [...out.ious].sort((a, b) => a.image_id - b.image_id || a.category_id - b.category_id);
    expect(ours.map((e) => [e.image_id, e.category_id, e.ious])).toEqual(expected.map((e) => [e.image_id, e.category_id, e.ious]));
  });
});

describe('segm evaluation input errors', () => {
  const gt = json('gt.json');
  it('results need compressed RLE; gt images need their size', () => {
    const bad = [{ image_id: gt.images[0].id, category_id: 1, score: 0.5, segmentation: [[1, 1, 5, 1, 5, 5]] }];
    expect(() => evaluateCoco({ gt, results: bad, iouType: 'segm' })).toThrow(/results\[0\]\.segmentation must be a compressed RLE/);
    const noSize = structuredClone(gt);
    delete noSize.images.find((i: { id: number }) => i.id === gt.annotations[0].image_id).height;
    const results = json('segm_results.json');
    expect(() => evaluateCoco({ gt: noSize, results, iouType: 'segm' })).toThrow(/needs integer height and width for segm evaluation/);
  });
});
