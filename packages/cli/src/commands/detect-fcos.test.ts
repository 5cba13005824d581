import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '@hrnetjs/core/node';
import { fixturePath, matchDetections, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'hrnet-fcos-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const cases = join(repoRoot(), 'tools/oracle/cases');
const dir = join(cases, 'mmdet_fcos_pipeline');

interface JsonDetection {
  box: Record<string, number>;
  label: string;
  labelId: number;
  score: number;
}

/** Every official detection of the pipeline case found in a `--json` file (IoU ≥ 0.99, same label, |Δscore| ≤ 1e-3). */
async function expectOfficial(json: string): Promise<JsonDetection[]> {
  const { detections } = JSON.parse(readFileSync(json, 'utf8')) as { detections: JsonDetection[] };
  const ref = (await readNpyFile(join(dir, 'det_bboxes.npy'))).values as Float32Array;
  const labels = (await readNpyFile(join(dir, 'det_labels.npy'))).values as Int32Array;
  const flat = detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]);
  const pairs = matchDetections(ref, flat, { referenceLabels: labels, actualLabels: detections.map((d) => d.labelId) });
  expect(detections).toHaveLength(labels.length);
  expect(pairs).toHaveLength(labels.length);
  return detections;
}

describe('pnpm hrnet detect with an FCOS checkpoint (tools/oracle/cases/mmdet_fcos_pipeline)', () => {
  it('--json holds the official detections, in the Box / results shape of Faster R-CNN; the model is named fcos', async () => {
    const json = join(out, 'dets.json');
    const r = await runHrnet('detect', fixturePath('det_pipeline', 'image.png'), '--weights', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--json', json, '--backend', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/engine: tfjs; model: .* \(fcos\)/);
    const detections = await expectOfficial(json);
    expect(Object.keys(detections[0]).sort()).toEqual(['box', 'label', 'labelId', 'score']);
    expect(Object.keys(detections[0].box).sort()).toEqual(['xmax', 'xmin', 'ymax', 'ymin']);
    expect(r.stdout.split('\n')[0]).toMatch(/^class_\d \(\d\) \d\.\d{4} \[/);
  });

  it('--engine onnxruntime runs the FCOS graph on one ORT session with the same detections', async () => {
    const json = join(out, 'dets-ort.json');
    const r = await runHrnet('detect', fixturePath('det_pipeline', 'image.png'), '--weights', join(dir, 'model.pth'), '--config', join(dir, 'config.json'), '--json', json, '--backend', 'wasm', '--engine', 'onnxruntime', '--threads', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/engine: onnxruntime; model: .* \(fcos\)/);
    await expectOfficial(json);
  });
});

describe('pnpm hrnet keys / inspect for FCOS', () => {
  it("keys equal mmdet 2.x state_dict names (fcos-w32); inspect names an FCOS checkpoint's detector kind", async () => {
    const keys = await runHrnet('keys', '--config', 'fcos-w32');
    expect(keys.code, keys.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cases, 'mmdet_fcos_keys', 'fcos_hrnetv2p_w32_gn-head_4x4_1x_coco.json'), 'utf8'));
    expect(JSON.parse(keys.stdout)).toEqual(manifest.keys);
    const inspect = await runHrnet('inspect', join(cases, 'mmdet_fcos', 'model.pth'));
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/detector: fcos/);
    expect(inspect.stdout).toMatch(/closest: {2}fcos-w\d\d \(mmdet\)/);
  });
});
