import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';
import { difference, fixturePath, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hrnet = (...args: string[]) => runHrnet(...args);

// Measured on pose_tiny / input.npy (wasm): float16 weights move the heatmaps by max 0.0615 of
// their std (max abs 0.255, std 4.15), mean |error| 0.0066 of std, and every one of the 2 × 17
// heatmap peaks stays on the same pixel. That much comes from this random, BN-perturbed network,
// not the rounding: multiplying every float32 weight by an independent (1 ± 2^-12) factor, the
// size of half-precision rounding, moves the heatmaps by 0.047 of std (mean 0.0047).
const FLOAT16_MAX_REL_TO_STD = 0.1;
const FLOAT16_MEAN_REL_TO_STD = 0.01;

const PTH = fixturePath('pose', 'pose_tiny.pth');
const CONFIG = fixturePath('pose', 'pose_tiny_config.json');

/** pose_tiny's heatmaps on input.npy [2,3,256,192] with the given weights file (NCHW float32 values). */
async function heatmaps(weights: string): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const model = new PoseModel(parseModelConfig(readFileSync(CONFIG, 'utf8')));
  model.load((await readCheckpointFile(weights)).stateDict);
  const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
  const y = model.predict(x);
  const out = (await toNCHW(y)).values as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('pnpm hrnet convert', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hrnet-convert-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const target = {
    safetensors32: join(dir, 'f32.safetensors'),
    tfjs32: join(dir, 'f32-tfjs', 'model.json'),
    safetensors16: join(dir, 'f16.safetensors'),
    tfjs16: join(dir, 'f16-tfjs', 'model.json'),
  };
  let logs: string[] = [];
  let reference: Float32Array;

  beforeAll(async () => {
    const results = await Promise.all([
      hrnet('convert', PTH, '--to', 'safetensors', '--out', target.safetensors32),
      hrnet('convert', PTH, '--to', 'tfjs', '--out', join(dir, 'f32-tfjs')),
      hrnet('convert', PTH, '--to', 'safetensors', '--dtype', 'float16', '--out', target.safetensors16),
      hrnet('convert', PTH, '--to', 'tfjs', '--dtype', 'float16', '--out', target.tfjs16),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    logs = results.map((r) => r.stdout.trim());
    await useBackend('wasm');
    reference = await heatmaps(PTH);
  });

  it('prints one summary line per conversion: tensors, bytes, dtype', () => {
    const size = (p: string) => statSync(p).size;
    expect(logs[0]).toBe(`pose_tiny.pth (torch-zip) → ${target.safetensors32}: 440 tensors, ${size(target.safetensors32)} bytes, float32`);
    const tfjsBytes = readdirSync(join(dir, 'f32-tfjs')).reduce((n, f) => n + size(join(dir, 'f32-tfjs', f)), 0);
    expect(logs[1]).toBe(`pose_tiny.pth (torch-zip) → ${target.tfjs32}: 440 tensors, ${tfjsBytes} bytes, float32`);
    expect(logs[2]).toMatch(/440 tensors, \d+ bytes, float16$/);
    // float16 halves the float data: pose_tiny holds 699,033 float32 values (and 73 int64 counters, kept).
    // Compare the data sections only: the JSON headers differ in length (offsets have fewer digits).
    const dataBytes = (p: string) => size(p) - 8 - Number(readFileSync(p).readBigUInt64LE(0));
    expect(dataBytes(target.safetensors32) - dataBytes(target.safetensors16)).toBe(2 * 699_033);
  });

  it('float32 safetensors and TF.js weights give PoseModel heatmaps identical to the .pth (max abs 0)', async () => {
    for (const file of [target.safetensors32, target.tfjs32]) {
      expect(difference(await heatmaps(file), reference).maxAbs, file).toBe(0);
    }
    // And the .pth output is still the official one.
    const official = (await readNpyFile(fixturePath('pose', 'heatmaps.npy'))).values as Float32Array;
    expect(difference(reference, official).relToStd).toBeLessThan(1e-4);
  });

  it(`float16 files agree with each other, stay within ${FLOAT16_MAX_REL_TO_STD} of the std and keep every peak`, async () => {
    const fromSafetensors = await heatmaps(target.safetensors16);
    const fromTfjs = await heatmaps(target.tfjs16);
    expect(difference(fromTfjs, fromSafetensors).maxAbs).toBe(0);
    const d = difference(fromSafetensors, reference);
    expect(d.relToStd).toBeLessThan(FLOAT16_MAX_REL_TO_STD);
    expect(d.maxAbs).toBeGreaterThan(0); // the weights really were rounded
    const meanAbs = fromSafetensors.reduce((s, v, i) => s + Math.abs(v - reference[i]), 0) / reference.length;
    expect(meanAbs / d.std).toBeLessThan(FLOAT16_MEAN_REL_TO_STD);
    // Peaks: argmax of each 64×48 heatmap (2 images × 17 joints), what keypoint decoding uses.
    const argmax = (h: Float32Array) =>
      Array.from({ length: 34 }, (_, j) => h.subarray(j * 3072, (j + 1) * 3072).reduce((b, v, i, a) => (v > a[b] ? i : b), 0));
    expect(argmax(fromSafetensors)).toEqual(argmax(reference));
  });

  it('pnpm hrnet forward --weights <converted> writes the same heatmaps as with the .pth', async () => {
    const forward = (weights: string, outDir: string) =>
      hrnet('forward', '--config', CONFIG, '--weights', weights, '--input', fixturePath('pose', 'input.npy'), '--output-dir', outDir, '--backend', 'wasm');
    const runs = await Promise.all([forward(PTH, join(dir, 'fw-pth')), forward(target.safetensors32, join(dir, 'fw-st')), forward(target.tfjs32, join(dir, 'fw-tfjs'))]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const read = async (d: string) => (await readNpyFile(join(dir, d, 'heatmaps.npy'))).values as Float32Array;
    const pth = await read('fw-pth');
    expect(difference(await read('fw-st'), pth).maxAbs).toBe(0);
    expect(difference(await read('fw-tfjs'), pth).maxAbs).toBe(0);
  });

  it('writes beside the input by default and refuses to overwrite the input', async () => {
    const input = join(dir, 'mine.pth');
    copyFileSync(PTH, input);
    expect((await hrnet('convert', input, '--to', 'safetensors')).code).toBe(0);
    expect((await hrnet('convert', input, '--to', 'tfjs')).code).toBe(0);
    expect(statSync(join(dir, 'mine.safetensors')).isFile()).toBe(true);
    expect(readdirSync(join(dir, 'mine-tfjs'))).toEqual(['group1-shard1of1.bin', 'model.json']);
    const again = await hrnet('convert', join(dir, 'mine.safetensors'), '--to', 'safetensors');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/would overwrite the input; pass --out/);
  });

  it('bad arguments: one clear line and a non-zero exit', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[PTH], /--to is required/],
      [[PTH, '--to', 'keras'], /--to must be one of safetensors, tfjs, onnx; got 'keras'/],
      [[PTH, '--to', 'tfjs', '--dtype', 'bfloat16'], /--dtype must be one of float32, float16; got 'bfloat16'/],
      [['--to', 'tfjs'], /convert needs exactly one input checkpoint, got 0/],
      [[join(dir, 'missing.pth'), '--to', 'tfjs'], /checkpoint file not found: .*missing\.pth/],
    ];
    const results = await Promise.all(cases.map(([args]) => hrnet('convert', ...args)));
    results.forEach((r, i) => {
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(cases[i][1]);
    });
  });
});
