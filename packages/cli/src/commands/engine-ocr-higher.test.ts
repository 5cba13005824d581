import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { evaluateCoco, fromNCHW, onnxRunner, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readNpyFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

// HRNet-OCR and HigherHRNet through `--engine onnxruntime` (ORT CPU, 1 thread) and `convert --to onnx`,
// on the tools/oracle cases (official seg_hrnet_ocr.py / HigherHRNet test outputs), with the bars of
// their TF.js CLI tests.
const dir = mkdtempSync(join(tmpdir(), 'hrnet-engine-ocr-higher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ORT = ['--engine', 'onnxruntime', '--threads', '1', '--backend', 'wasm'];
const verbose = (...args: unknown[]) => process.env.HRNET_ORACLE_VERBOSE && console.info(...args);

/** The case's image.npy (H×W×3 uint8) as a PNG in the temp folder. */
async function imagePng(caseDir: string, name: string): Promise<{ path: string; width: number; height: number }> {
  const rgb = await readNpyFile(join(caseDir, 'image.npy'));
  const [height, width] = rgb.shape;
  const path = join(dir, `${name}.png`);
  await writePngFile(path, { width, height, data: Uint8Array.from(rgb.values as ArrayLike<number>) });
  return { path, width, height };
}

describe('pnpm hrnet … --engine onnxruntime with HRNet-OCR and HigherHRNet', () => {
  it('segment (HRNet-OCR, ocr_pipe_lip): the official LIP testval labels', async () => {
    const c = oracleCase('ocr_pipe_lip');
    const png = await imagePng(c.dir, 'ocr_lip');
    const npy = join(dir, 'ocr_lip.npy');
    const r = await runHrnet('segment', png.path, '--weights', join(c.dir, 'model.pth'), '--config', join(c.dir, 'config.json'), '--npy', npy, ...ORT);
    expect(r.stderr).toMatch(/engine: onnxruntime/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/20 classes, scales 1, flip on, .*HRNet-OCR \(cls_head output\)/);
    const ours = await readNpyFile(npy);
    const expected = await readNpyFile(join(c.dir, 'labels.npy'));
    expect(ours.shape).toEqual([png.height, png.width]);
    expect(Array.from(ours.values as Int32Array)).toEqual(Array.from(expected.values as Int32Array));
  });

  it('pose (HigherHRNet, higher_coco_ms_flip: 3 scales + flip): the official people within 0.5 px; --results give the official COCOeval stats', async () => {
    const c = oracleCase('higher_coco_ms_flip');
    const png = await imagePng(c.dir, 'higher');
    const weights = join(dir, 'higher.pth');
    writeFileSync(weights, c.checkpoint);
    const json = join(dir, 'higher_poses.json');
    const results = join(dir, 'higher_results.json');
    const r = await runHrnet('pose', png.path, '--weights', weights, '--config', join(c.dir, 'config.json'), '--json', json, '--results', results, '--image-id', '1', ...ORT);
    expect(r.stderr).toMatch(/bottom-up \(HigherHRNet\) model: config/);
    expect(r.stderr).toMatch(/engine: onnxruntime/);
    expect(r.code).toBe(0);
    const expected = JSON.parse(readFileSync(join(c.dir, 'grouped.json'), 'utf8')) as { final_results: number[][][] };
    const { poses } = JSON.parse(readFileSync(json, 'utf8')) as { poses: Array<{ keypoints: Array<{ x: number; y: number }> }> };
    expect(poses.length).toBe(expected.final_results.length);
    let worst = 0;
    poses.forEach((p, i) => p.keypoints.forEach((k, j) => (worst = Math.max(worst, Math.abs(k.x - expected.final_results[i][j][0]), Math.abs(k.y - expected.final_results[i][j][1])))));
    verbose('CLI pose (HigherHRNet, ORT): worst px vs official', worst);
    expect(worst).toBeLessThan(0.5);
    const gt = JSON.parse(readFileSync(join(c.dir, 'gt.json'), 'utf8'));
    const ours = evaluateCoco({ gt, results: JSON.parse(readFileSync(results, 'utf8')), iouType: 'keypoints' }).stats;
    const official = evaluateCoco({ gt, results: JSON.parse(readFileSync(join(c.dir, 'results.json'), 'utf8')), iouType: 'keypoints' }).stats;
    ours.forEach((v, i) => expect(v, `stat ${i}`).toBeCloseTo(official[i], 6));
  });

  it('convert --to onnx: HRNet-OCR (--config) and HigherHRNet (read from the weights) graphs give the official outputs within 1e-4 of std', async () => {
    const ocr = oracleCase('ocr_ac_true_odd');
    const higher = oracleCase('higher_crowd_3out');
    const higherWeights = join(dir, 'crowd.pth');
    writeFileSync(higherWeights, higher.checkpoint);
    const ocrOnnx = join(dir, 'ocr.onnx');
    const higherOnnx = join(dir, 'crowd.onnx');
    const a = await runHrnet('convert', join(ocr.dir, 'model.pth'), '--to', 'onnx', '--config', join(ocr.dir, 'config.json'), '--out', ocrOnnx);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await runHrnet('convert', higherWeights, '--to', 'onnx', '--out', higherOnnx);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    await useBackend('wasm');
    for (const [c, file, names] of [
      [ocr, ocrOnnx, ['aux', 'logits']],
      [higher, higherOnnx, ['output_0', 'output_1', 'output_2']],
    ] as const) {
      const session = await createOrtSession(new Uint8Array(readFileSync(file)), { intraOpNumThreads: 1 });
      const x = fromNCHW(await readNpyFile(c.inputPath));
      const outputs = await onnxRunner(session)(x);
      expect(Object.keys(outputs).sort()).toEqual([...names].sort());
      // Only the outputs the graph has (no intermediates in a converted model).
      const listed = { ...c, manifest: { ...c.manifest, outputs: c.manifest.outputs.filter((o) => (names as readonly string[]).includes(o.name)) } };
      const rel = await oracleDifferences(listed, outputs as Record<string, tf.Tensor4D>, toNCHW, readNpyFile);
      expect(Object.keys(rel).sort()).toEqual([...names].sort());
      for (const [k, v] of Object.entries(rel)) expect(v, `${c.name} ${k}`).toBeLessThan(1e-4);
      x.dispose();
      Object.values(outputs).forEach((t) => t.dispose());
      await session.release();
    }
  });
});
