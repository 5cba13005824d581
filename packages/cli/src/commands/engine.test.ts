import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, onnxRunner, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, matchedFraction, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

// Every network-running command through `--engine onnxruntime` (ORT CPU, 1 thread) on the fixtures,
// with the same bars as the TF.js path: 1e-4 of std, 0.5 px, boxes IoU ≥ 0.99 with equal labels.
const dir = mkdtempSync(join(tmpdir(), 'hrnet-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ORT = ['--engine', 'onnxruntime', '--threads', '1', '--backend', 'wasm'];
const POSE = ['--weights', fixturePath('pose', 'pose_tiny.pth'), '--config', fixturePath('pose', 'pose_tiny_config.json')];
const DET = ['--weights', fixturePath('det', 'det_tiny.pth'), '--weights', fixturePath('det', 'faster_rcnn_tiny_heads.pth'), '--config', fixturePath('det', 'faster_rcnn_tiny_full_config.json')];

async function npy(path: string): Promise<Float32Array> {
  return (await readNpyFile(path)).values as Float32Array;
}

describe('pnpm hrnet … --engine onnxruntime', () => {
  it('forward (pose): every stage output and the heatmaps equal the official ones within 1e-4 of std', async () => {
    const out = join(dir, 'pose-forward');
    const r = await runHrnet('forward', ...POSE, '--input', fixturePath('pose', 'input.npy'), '--output-dir', out, ...ORT);
    expect(r.stderr).toMatch(/engine: onnxruntime/);
    expect(r.code).toBe(0);
    for (const name of ['stem', 'layer1', 'stage4_out_0', 'heatmaps']) {
      const d = difference(await npy(join(out, `${name}.npy`)), await npy(fixturePath('pose', `${name}.npy`)));
      expect(d.relToStd, name).toBeLessThan(1e-4);
    }
  });

  it('forward (Faster R-CNN): neck outputs within 1e-4 of std, proposals and detections as mmdet', async () => {
    const out = join(dir, 'det-forward');
    const r = await runHrnet('forward', ...DET, '--input', fixturePath('det', 'input.npy'), '--output-dir', out, ...ORT);
    expect(r.code).toBe(0);
    expect(difference(await npy(join(out, 'neck_out_0.npy')), await npy(fixturePath('det', 'neck_out_0.npy'))).relToStd).toBeLessThan(1e-4);
    const labels = (await readNpyFile(join(out, 'det_labels.npy'))).values as Int32Array;
    const m = matchedFraction(await npy(fixturePath('det', 'det_bboxes.npy')), await npy(join(out, 'det_bboxes.npy')), {
      referenceLabels: (await readNpyFile(fixturePath('det', 'det_labels.npy'))).values as Int32Array,
      actualLabels: labels,
    });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('pose: keypoints of the official pipeline within 0.5 px (measured ≤ 1e-3)', async () => {
    const [x, y, w, h] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];
    const r = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--box', `${x},${y},${w},${h}`, ...ORT);
    expect(r.code).toBe(0);
    const preds = await npy(fixturePath('pose', 'preds.npy'));
    const pose = JSON.parse(r.stdout).poses[0] as { keypoints: Array<{ x: number; y: number }> };
    const px = Math.max(...pose.keypoints.flatMap((k, j) => [Math.abs(k.x - preds[2 * j]), Math.abs(k.y - preds[2 * j + 1])]));
    expect(px).toBeLessThan(0.5);
  });

  it('pose --ort-cache: the first run saves the graph optimized for this CPU, the second loads it; keypoints as the official ones', async () => {
    const cache = join(dir, 'ort-cache');
    const [x, y, w, h] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];
    const preds = await npy(fixturePath('pose', 'preds.npy'));
    for (let run = 0; run < 2; run++) {
      const r = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--box', `${x},${y},${w},${h}`, ...ORT, '--ort-cache', cache);
      expect(r.code, r.stderr).toBe(0);
      const pose = JSON.parse(r.stdout).poses[0] as { keypoints: Array<{ x: number; y: number }> };
      const px = Math.max(...pose.keypoints.flatMap((k, j) => [Math.abs(k.x - preds[2 * j]), Math.abs(k.y - preds[2 * j + 1])]));
      expect(px).toBeLessThan(0.5);
      const entries = readdirSync(cache);
      expect(entries).toHaveLength(1);
      expect(readdirSync(join(cache, entries[0])).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    }
    const tfjs = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--box', `${x},${y},${w},${h}`, '--ort-cache', cache);
    expect(tfjs.stderr).toMatch(/--ort-cache choose how onnxruntime runs: add --engine onnxruntime/);
  });

  it('detect: the det_pipeline reference detections (labels equal, IoU ≥ 0.99)', async () => {
    const json = join(dir, 'det.json');
    const r = await runHrnet('detect', fixturePath('det_pipeline', 'image.png'), ...DET, '--json', json, ...ORT);
    expect(r.code).toBe(0);
    const { detections } = JSON.parse(readFileSync(json, 'utf8')) as { detections: Array<{ box: Record<string, number>; labelId: number; score: number }> };
    const flat = detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]);
    const m = matchedFraction(await npy(fixturePath('det_pipeline', 'det_bboxes.npy')), flat, {
      referenceLabels: (await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as Int32Array,
      actualLabels: detections.map((d) => d.labelId),
    });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('segment: single-scale labels equal the official labels_single (near-ties excepted)', async () => {
    const out = join(dir, 'labels.npy');
    const r = await runHrnet(
      'segment', fixturePath('seg_pipeline', 'image.png'), '--weights', fixturePath('seg', 'seg_tiny.pth'),
      '--config', fixturePath('seg', 'seg_tiny_config.json'), '--scales', '1', '--no-flip', '--base-size', '512', '--npy', out, ...ORT,
    );
    expect(r.code).toBe(0);
    const ours = (await readNpyFile(out)).values as Int32Array;
    const expected = (await readNpyFile(fixturePath('seg_pipeline', 'labels_single.npy'))).values;
    const settings = JSON.parse(readFileSync(fixturePath('seg_pipeline', 'settings.json'), 'utf8'));
    const ties = new Set((settings.single_scale.top2_margin_log_space['pixels_below_1e-3_yx'] as number[][]).map(([py, px]) => py * 512 + px));
    let bad = 0;
    for (let p = 0; p < ours.length; p++) if (!ties.has(p) && ours[p] !== Number(expected[p])) bad++;
    expect(bad).toBe(0);
  });

  it('convert --to onnx (float32 and float16) writes graphs onnxruntime-node loads; heatmaps as the official ones', async () => {
    const f32 = join(dir, 'pose.onnx');
    const f16 = join(dir, 'pose16.onnx');
    const a = await runHrnet('convert', fixturePath('pose', 'pose_tiny.pth'), '--to', 'onnx', '--config', fixturePath('pose', 'pose_tiny_config.json'), '--out', f32);
    expect(a.code).toBe(0);
    const b = await runHrnet('convert', fixturePath('pose', 'pose_tiny.pth'), '--to', 'onnx', '--dtype', 'float16', '--out', f16);
    expect(b.code).toBe(0);
    expect(statSync(f16).size).toBeLessThan(statSync(f32).size * 0.6);
    await useBackend('wasm');
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
    const expected = await npy(fixturePath('pose', 'heatmaps.npy'));
    for (const [file, bar] of [
      [f32, 1e-4],
      [f16, 0.1],
    ] as const) {
      const session = await createOrtSession(new Uint8Array(readFileSync(file)), { intraOpNumThreads: 1 });
      const { heatmaps } = await onnxRunner(session)(x);
      expect(difference((await toNCHW(heatmaps as tf.Tensor4D)).values as Float32Array, expected).relToStd, file).toBeLessThan(bar);
      heatmaps.dispose();
      await session.release();
    }
    x.dispose();
  });

  it('bad engine options fail with one clear line', async () => {
    const engine = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--engine', 'tensorrt');
    expect(engine.code).not.toBe(0);
    expect(engine.stderr).toMatch(/--engine must be one of tfjs, onnxruntime, auto; got 'tensorrt'/);
    const ep = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--engine', 'onnxruntime', '--ep', 'tpu');
    expect(ep.stderr).toMatch(/--ep must be one of cpu, webgpu, cuda; got 'tpu'/);
    const tfjs = await runHrnet('pose', fixturePath('pose', 'image.png'), ...POSE, '--threads', '2');
    expect(tfjs.stderr).toMatch(/--ep, --threads and --ort-cache choose how onnxruntime runs: add --engine onnxruntime/);
  });
});
