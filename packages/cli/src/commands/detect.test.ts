import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { difference, fixturePath, matchedFraction, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const hrnet = (...args: string[]) => runHrnet(...args);

const out = mkdtempSync(join(tmpdir(), 'hrnet-detect-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const WEIGHTS = ['--weights', fixturePath('det', 'det_tiny.pth'), '--weights', fixturePath('det', 'faster_rcnn_tiny_heads.pth')];
const CONFIG = ['--config', fixturePath('det', 'faster_rcnn_tiny_full_config.json')];

describe('pnpm hrnet detect', () => {
  it('reproduces mmdet det_pipeline detections from image.png (--json, --out)', async () => {
    const json = join(out, 'dets.json');
    const png = join(out, 'overlay.png');
    const r = await hrnet('detect', fixturePath('det_pipeline', 'image.png'), ...WEIGHTS, ...CONFIG, '--json', json, '--out', png, '--backend', 'wasm');
    expect(r.stderr).toMatch(/backend: wasm/);
    expect(r.code).toBe(0);
    const { detections } = JSON.parse(readFileSync(json, 'utf8')) as {
      detections: Array<{ box: Record<string, number>; label: string; labelId: number; score: number }>;
    };
    expect(detections).toHaveLength(100);
    expect(r.stdout.trim().split('\n')).toHaveLength(100);
    expect(Object.keys(detections[0]).sort()).toEqual(['box', 'label', 'labelId', 'score']);
    const flat = detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]);
    const bboxes = (await readNpyFile(fixturePath('det_pipeline', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as Int32Array;
    const m = matchedFraction(bboxes, flat, { referenceLabels: labels, actualLabels: detections.map((d) => d.labelId) });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
    const overlay = await decodeImage(readFileSync(png));
    expect([overlay.width, overlay.height]).toEqual([500, 375]);
  });

  it('filters with --classes / --max-detections and fails clearly on bad options', async () => {
    const json = join(out, 'mouse.json');
    const r = await hrnet('detect', fixturePath('det_pipeline', 'image.png'), ...WEIGHTS, ...CONFIG, '--classes', 'mouse', '--max-detections', '3', '--json', json, '--backend', 'wasm');
    expect(r.code).toBe(0);
    const { detections } = JSON.parse(readFileSync(json, 'utf8'));
    expect(detections.map((d: { label: string }) => d.label)).toEqual(['mouse', 'mouse', 'mouse']);
    const bad = await hrnet('detect', fixturePath('det_pipeline', 'image.png'), ...WEIGHTS, ...CONFIG, '--score-threshold', '2');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--score-threshold must be a number in \[0, 1\); got '2'/);
    const noFit = await hrnet('detect', fixturePath('det_pipeline', 'image.png'), ...WEIGHTS);
    expect(noFit.stderr).toMatch(/fit none of faster-rcnn-w18, faster-rcnn-w32, faster-rcnn-w40/);
  });
});

describe('pnpm hrnet forward on a full Faster R-CNN dict', () => {
  it('writes neck_out_*, proposals, det_bboxes and det_labels matching fixtures/det', async () => {
    const dir = join(out, 'forward');
    const r = await hrnet('forward', ...CONFIG, ...WEIGHTS, '--input', fixturePath('det', 'input.npy'), '--output-dir', dir, '--backend', 'wasm');
    expect(r.code).toBe(0);
    for (const name of ['neck_out_0', 'neck_out_4']) {
      const a = await readNpyFile(join(dir, `${name}.npy`));
      const e = await readNpyFile(fixturePath('det', `${name}.npy`));
      expect(difference(a.values as Float32Array, e.values as Float32Array).relToStd).toBeLessThan(1e-4);
    }
    const proposals = await readNpyFile(join(dir, 'proposals.npy'));
    expect(proposals.shape).toEqual([1000, 5]);
    const refP = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    expect(matchedFraction(refP, proposals.values as Float32Array).fraction).toBeGreaterThanOrEqual(0.99);
    const bboxes = await readNpyFile(join(dir, 'det_bboxes.npy'));
    const labels = await readNpyFile(join(dir, 'det_labels.npy'));
    expect([bboxes.shape, labels.shape, labels.dtype]).toEqual([[100, 5], [100], 'int32']);
    const refB = (await readNpyFile(fixturePath('det', 'det_bboxes.npy'))).values as Float32Array;
    const refL = (await readNpyFile(fixturePath('det', 'det_labels.npy'))).values as Int32Array;
    const m = matchedFraction(refB, bboxes.values as Float32Array, { referenceLabels: refL, actualLabels: labels.values as Int32Array });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
  });
});
