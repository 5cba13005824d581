/**
 * The second half of `pnpm demo`: HRNet.js's core promise on files shipped in the repository —
 * checkpoints written by the OFFICIAL PyTorch code (tools/oracle/cases) load unchanged through our
 * reader and reproduce PyTorch's outputs. Prints a table and writes <out>/parity.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseConfigText, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { HigherHRNetModel, isHigherHRNetYaml, parseHigherHRNetConfig } from '@hrnetjs/pose-head';
import { createModel } from '@hrnetjs/cli';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CASES = join(ROOT, 'tools/oracle/cases');

interface Manifest {
  checkpoint?: string;
  config?: string;
  input?: { file: string };
  outputs?: Array<{ name: string }>;
}

/** Largest |ours − official| relative to the official tensor's std. */
function relToStd(ours: Float32Array, official: Float32Array): number {
  let max = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < official.length; i++) {
    max = Math.max(max, Math.abs(ours[i] - official[i]));
    sum += official[i];
    sumSq += official[i] ** 2;
  }
  const mean = sum / official.length;
  return max / Math.sqrt(sumSq / official.length - mean * mean);
}

/** Runs every oracle case, prints a table, writes `<outDir>/parity.json`; true when all are within 1e-4 of std. */
export async function runOracleParity(outDir: string, backend: string): Promise<boolean> {
  console.log('official PyTorch checkpoints → our reader → our network, compared with PyTorch\'s own outputs\n');
  console.log('case                 family  params     forward ms  outputs  worst |Δ|/std');
  const results = [];
  // Cases that are not one network forward (detections and masks, pipelines, losses and training
  // steps, key lists, COCOeval) are checked by the package tests; the demo names them.
  const otherCases: string[] = [];
  for (const name of (await readdir(CASES)).sort()) {
    const dir = join(CASES, name);
    const manifestPath = join(dir, 'manifest.json');
    if (!existsSync(manifestPath)) {
      otherCases.push(name);
      continue;
    }
    const manifest: Manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    if (!Array.isArray(manifest.outputs) || !manifest.checkpoint || !manifest.config || !manifest.input?.file) {
      otherCases.push(name);
      continue;
    }
    let bytes: Uint8Array = await readFile(join(dir, manifest.checkpoint));
    if (manifest.checkpoint.endsWith('.gz')) bytes = gunzipSync(bytes);
    const text = await readFile(join(dir, manifest.config), 'utf8');
    // HigherHRNet cases (gen_higher.py) carry the official yaml layout with its DECONV head.
    const higher = isHigherHRNetYaml(parseConfigText(text)) ? parseHigherHRNetConfig(text, { name }) : null;
    const config = higher ?? parseModelConfig(text, { name });
    const model = higher ? new HigherHRNetModel(higher) : createModel(config);
    const checkpoint = readCheckpoint(bytes);
    model.load(checkpoint.stateDict);
    const x = fromNCHW(await readNpyFile(join(dir, manifest.input.file)));
    const start = performance.now();
    const outputs = model.forwardNamed(x, { intermediates: true });
    await Promise.all(Object.values(outputs).map((t) => t.data()));
    const ms = performance.now() - start;
    if (manifest.outputs.some(({ name: output }) => !(output in outputs))) {
      // A pipeline case (e.g. the seg test path after the network): its outputs are not the network's.
      otherCases.push(name);
      tf.dispose([x, ...Object.values(outputs)]);
      model.dispose();
      continue;
    }
    let worst = 0;
    for (const { name: output } of manifest.outputs) {
      const official = await readNpyFile(join(dir, `${output}.npy`));
      const ours = await toNCHW(outputs[output]);
      worst = Math.max(worst, relToStd(ours.values as Float32Array, official.values as Float32Array));
    }
    const params = [...checkpoint.stateDict.values()].reduce((n, t) => n + (t.shape.length ? t.values.length : 0), 0);
    results.push({ case: name, family: config.family, params, forwardMs: ms, outputs: manifest.outputs.length, worstRelToStd: worst });
    console.log(
      `${name.padEnd(20)} ${config.family.padEnd(7)} ${String(params).padStart(9)} ${ms.toFixed(1).padStart(12)} ${String(manifest.outputs.length).padStart(8)}  ${worst.toExponential(2)}`,
    );
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  }
  if (otherCases.length) console.log(`\nother oracle cases (pipelines, detections and masks, training steps, key lists, COCOeval; checked by the package tests):\n  ${otherCases.join(', ')}`);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'parity.json'), `${JSON.stringify({ backend, results }, null, 2)}\n`);
  const ok = results.every((r) => r.worstRelToStd < 1e-4);
  console.log(`\n${ok ? 'all outputs within 1e-4 of the official std' : 'SOME OUTPUTS DIFFER'} — wrote ${join(outDir, 'parity.json')}`);
  return ok;
}
