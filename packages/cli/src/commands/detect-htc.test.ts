import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMask, type Rle } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { fixturePath, matchOracleMasks, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'hrnet-htc-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const cases = join(repoRoot(), 'tools/oracle/cases');

describe('pnpm hrnet detect with a Hybrid Task Cascade checkpoint', () => {
  it.each([
    ['tfjs', []],
    ['onnxruntime', ['--engine', 'onnxruntime', '--threads', '1']],
  ])('on %s: writes boxes, labels, scores and COCO-RLE masks equal to mmdet (tools/oracle/cases/mmdet_htc_pipeline)', async (engine, flags) => {
    const dir = join(cases, 'mmdet_htc_pipeline');
    const json = join(out, `dets-${engine}.json`);
    const r = await runHrnet('detect', fixturePath('det_pipeline', 'image.png'), '--weights', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--json', json, '--backend', 'wasm', ...flags);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`engine: ${engine}; .*\\(htc\\)`));
    const { detections } = JSON.parse(readFileSync(json, 'utf8')) as {
      detections: Array<{ box: { xmin: number; ymin: number; xmax: number; ymax: number }; labelId: number; score: number; mask: Rle }>;
    };
    const { n, height: h, width: w, pairs, maskIous: ious } = await matchOracleMasks(dir, detections, (j) => decodeMask(detections[j].mask), readNpyFile);
    expect(detections).toHaveLength(n);
    expect(pairs).toHaveLength(n);
    console.log(`[hrnet detect, htc, ${engine}] ${pairs.length}/${n} detections, min mask IoU ${Math.min(...ious).toFixed(5)}`);
    for (const [k, [, j]] of pairs.entries()) {
      expect(detections[j].mask.size).toEqual([h, w]);
      expect(ious[k]).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe('pnpm hrnet keys / inspect for HTC', () => {
  it('keys equal mmdet 2.x state_dict names (htc-w32); inspect names an HTC checkpoint and its closest preset', async () => {
    const keys = await runHrnet('keys', '--config', 'htc-w32');
    expect(keys.code, keys.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cases, 'mmdet_key_manifests', 'htc_hrnetv2p_w32_20e_coco.json'), 'utf8'));
    expect(JSON.parse(keys.stdout)).toEqual(manifest.keys);
    for (const name of ['mmdet_htc', 'mmdet_htc_nosemantic']) {
      const inspect = await runHrnet('inspect', join(cases, name, 'model.pth'));
      expect(inspect.code, inspect.stderr).toBe(0);
      expect(inspect.stdout).toMatch(/detector: htc/);
      expect(inspect.stdout).toMatch(/closest: {2}htc-w\d\d \(mmdet\)/);
    }
  });
});
