import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, decodeMask, type Rle } from '@hrnetjs/core';
import { createOrtSession, readImageFile, readNpyFile } from '@hrnetjs/core/node';
import { bitmapIou, fixturePath, iou, matchDetections, matchOracleMasks, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Options } from './command.js';
import { evalBoxesCommand } from './eval-boxes.js';

const out = mkdtempSync(join(tmpdir(), 'hrnet-masks-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const cases = join(repoRoot(), 'tools/oracle/cases');

describe('pnpm hrnet detect with a Mask R-CNN checkpoint', () => {
  it('writes boxes, labels, scores and COCO-RLE masks equal to mmdet (tools/oracle/cases/mmdet_mask_rcnn_pipeline) and fills masks in --out', async () => {
    const dir = join(cases, 'mmdet_mask_rcnn_pipeline');
    const json = join(out, 'dets.json');
    const png = join(out, 'overlay.png');
    const image = fixturePath('det_pipeline', 'image.png');
    const r = await runHrnet('detect', image, '--weights', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--json', json, '--out', png, '--backend', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(mask_rcnn\)/);
    const { detections } = JSON.parse(readFileSync(json, 'utf8')) as {
      detections: Array<{ box: { xmin: number; ymin: number; xmax: number; ymax: number }; labelId: number; score: number; mask: Rle }>;
    };
    expect(Object.keys(detections[0]).sort()).toEqual(['box', 'label', 'labelId', 'mask', 'score']);
    expect(r.stdout.split('\n')[0]).toMatch(/ mask \d+ px$/);
    const { n, height: h, width: w, pairs, maskIous } = await matchOracleMasks(dir, detections, (j) => decodeMask(detections[j].mask), readNpyFile);
    expect(pairs).toHaveLength(n);
    for (const [k, [, j]] of pairs.entries()) {
      expect(detections[j].mask.size).toEqual([h, w]);
      expect(maskIous[k]).toBeGreaterThanOrEqual(0.99);
    }
    // The overlay changes the pixels of the masks (filled at 50 %), not only the box outlines.
    const [overlay, original] = [await decodeImage(readFileSync(png)), await readImageFile(image)];
    const m = decodeMask(detections[0].mask);
    let changed = 0;
    let inside = 0;
    for (let p = 0; p < m.length; p++) {
      if (!m[p]) continue;
      inside++;
      if ([0, 1, 2].some((k) => overlay.data[3 * p + k] !== original.data[3 * p + k])) changed++;
    }
    expect(inside).toBeGreaterThan(0);
    expect(changed / inside).toBeGreaterThan(0.9);
  });
});

describe('pnpm hrnet detect / convert on onnxruntime for Mask and Cascade Mask R-CNN', () => {
  type Json = { detections: Array<{ box: Record<string, number>; labelId: number; score: number; mask: Rle }> };
  const flat = (d: Json['detections']) => d.flatMap((x) => [x.box.xmin, x.box.ymin, x.box.xmax, x.box.ymax, x.score]);

  it('detect --engine onnxruntime --json: the same detections and COCO-RLE masks as the tfjs CLI (mmdet_mask_rcnn_pipeline)', async () => {
    const dir = join(cases, 'mmdet_mask_rcnn_pipeline');
    const args = [fixturePath('det_pipeline', 'image.png'), '--weights', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--backend', 'wasm'];
    const [tfjsJson, ortJson] = [join(out, 'tfjs.json'), join(out, 'ort.json')];
    const tfjs = await runHrnet('detect', ...args, '--json', tfjsJson);
    const ort = await runHrnet('detect', ...args, '--json', ortJson, '--engine', 'onnxruntime', '--threads', '1');
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(ort.code, ort.stderr).toBe(0);
    expect(ort.stderr).toMatch(/engine: onnxruntime; model: .* \(mask_rcnn\)/);
    const a = (JSON.parse(readFileSync(tfjsJson, 'utf8')) as Json).detections;
    const b = (JSON.parse(readFileSync(ortJson, 'utf8')) as Json).detections;
    expect(b).toHaveLength(a.length);
    const pairs = matchDetections(flat(a), flat(b), { referenceLabels: a.map((d) => d.labelId), actualLabels: b.map((d) => d.labelId) });
    expect(pairs).toHaveLength(a.length);
    let identical = 0;
    let worstMask = 1;
    let worstBox = 1;
    for (const [i, j] of pairs) {
      expect(b[j].mask.size).toEqual(a[i].mask.size);
      const m = bitmapIou(decodeMask(a[i].mask), decodeMask(b[j].mask));
      expect(m, `detection ${i}: mask IoU tfjs vs onnxruntime`).toBeGreaterThanOrEqual(0.99);
      worstMask = Math.min(worstMask, m);
      worstBox = Math.min(worstBox, iou(flat([a[i]]), flat([b[j]])));
      if (a[i].mask.counts === b[j].mask.counts) identical++;
    }
    console.log(`[detect tfjs vs onnxruntime] ${pairs.length}/${a.length} matched, worst box IoU ${worstBox.toFixed(5)}, worst mask IoU ${worstMask.toFixed(5)}, ${identical} identical RLEs`);
  });

  it('convert --to onnx (cascade mask): the features graph + 3 bbox + 3 mask head graphs, named and described; each loads in onnxruntime', async () => {
    const dir = join(cases, 'mmdet_cascade_mask_rcnn');
    const target = join(out, 'cascade.onnx');
    const r = await runHrnet('convert', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--to', 'onnx', '--out', target);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const heads = ['roi-head-0', 'roi-head-1', 'roi-head-2', 'mask-head-0', 'mask-head-1', 'mask-head-2'];
    expect(lines).toHaveLength(heads.length + 1);
    heads.forEach((h, k) => expect(lines[k]).toContain(`${join(out, `cascade-${h}.onnx`)}: the ${h.startsWith('roi') ? 'RoI bbox' : 'mask'} head of stage ${h.slice(-1)} (`));
    expect(lines[3]).toMatch(/inputs roi_feats \[N, 16·14·14\], labels \[N\] → mask_logits, mask_probs \[N, 28, 28\]/);
    expect(lines[6]).toContain(`→ ${target}: `);
    expect(lines[6]).toMatch(/ \d+ tensors, \d+ bytes, float32$/);
    for (const [file, inputs] of [['cascade.onnx', ['input']], ['cascade-roi-head-2.onnx', ['roi_feats']], ['cascade-mask-head-0.onnx', ['roi_feats', 'labels']]] as const) {
      const session = await createOrtSession(join(out, file), { intraOpNumThreads: 1 });
      expect(session.inputNames, file).toEqual(inputs);
      await session.release();
    }
  });
});

describe('pnpm hrnet keys / inspect for mask and cascade models', () => {
  it('keys equal mmdet 2.x state_dict names (cascade-mask-rcnn-w18); inspect names a checkpoint\'s detector kind', async () => {
    const keys = await runHrnet('keys', '--config', 'cascade-mask-rcnn-w18');
    expect(keys.code, keys.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cases, 'mmdet_key_manifests', 'cascade_mask_rcnn_hrnetv2p_w18_20e_coco.json'), 'utf8'));
    expect(JSON.parse(keys.stdout)).toEqual(manifest.keys);
    const inspect = await runHrnet('inspect', join(cases, 'mmdet_cascade_mask_rcnn', 'model.pth'));
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/detector: cascade_mask_rcnn/);
    expect(inspect.stdout).toMatch(/closest: {2}cascade-mask-rcnn-w\d\d \(mmdet\)/);
  });
});

describe('pnpm hrnet eval-masks / eval-boxes --iou-type segm', () => {
  const dir = join(cases, 'coco_segm');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

  it('prints and writes the stats pycocotools computed', async () => {
    const stats = join(out, 'segm.json');
    const r = await runHrnet('eval-masks', '--gt', join(dir, 'gt.json'), '--results', join(dir, 'segm_results.json'), '--json', stats);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(stats, 'utf8')).stats).toEqual(manifest.segm_results.stats);
    expect(r.stdout.trim().split('\n')).toHaveLength(12);
  });

  it('eval-boxes --iou-type segm is the same evaluation; other iou types are refused (in process)', async () => {
    const stats = join(out, 'segm-bbox.json');
    const ctx = (iouType: string) => ({
      options: new Options({ 'iou-type': iouType, gt: join(dir, 'gt.json'), results: join(dir, 'segm_results_bbox.json'), json: stats }),
      positionals: [],
      stdout: () => {},
      stderr: () => {},
    });
    await evalBoxesCommand(ctx('segm'));
    expect(JSON.parse(readFileSync(stats, 'utf8')).stats).toEqual(manifest.segm_results_bbox.stats);
    await expect(evalBoxesCommand(ctx('mask'))).rejects.toThrow(/--iou-type must be bbox or segm; got 'mask'/);
  });
});
