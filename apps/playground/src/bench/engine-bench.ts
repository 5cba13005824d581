/**
 * `pnpm bench [--json FILE] [--models a,b] [--engines tfjs-wasm,ort-cpu,ort-webgpu]`: W32 pose
 * 256×192, W48 seg 512×1024 and Faster R-CNN W32 800×1344 (backbone + HRFPN + RPN convs) on
 * tfjs-wasm, onnxruntime CPU with 1 thread and with all cores, and onnxruntime WebGPU where it
 * starts; then the top-down pose pipeline with 5 people. Each measurement runs in its own child
 * process (peak RSS per model, and the model's own part of it: the peak minus what the process held
 * before loading it). ORT CPU rows load the graph onnxruntime optimized for this CPU from a bench
 * cache (`optimizedModelCache`); the "(fresh)" row optimizes in-process, as without the cache.
 * HRNET_BENCH_REFERENCE_ONNX=<file>: also runs PyTorch's own ONNX export of W32 pose (written by
 * tools/oracle/export_pose_onnx.py) with the same ORT settings, beside our graph. Random weights; median of a few runs after warm-up (BENCH_RUNS
 * overrides the count). Timings on a shared machine are noisy: read them as rough ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { userPath } from '@hrnetjs/cli';
import type { BenchCase } from './bench-case.js';
import { BENCH_MODELS, type BenchModelId, countMacs, createBenchModel } from './bench-models.js';

interface Row {
  model: string;
  engine: BenchCase['engine'];
  threads: number;
  ms: number;
  gflops: number;
  rssMB: number;
  /** Peak RSS minus what the process held before loading the model. */
  modelMB: number;
  /** ort-cpu: the session loaded the graph onnxruntime had optimized for this CPU (optimizedModelCache). */
  optimizedCache: boolean;
  /** Set on rows that ran a reference graph instead of ours (HRNET_BENCH_REFERENCE_ONNX). */
  reference?: 'pytorch-export';
  msPerPerson?: number;
  bareForwardMs?: number;
  error?: string;
}

const CASE_SCRIPT = fileURLToPath(new URL('./bench-case.ts', import.meta.url));
// [engine, threads, optimized-graph cache]: ORT CPU rows load the graph optimized for this CPU (as a
// deployment with `optimizedModelCache` does); one row without it shows what the cache saves.
const ALL_ENGINES: Array<[BenchCase['engine'], number, boolean]> = [
  ['tfjs-wasm', 1, false],
  ['ort-cpu', 1, true],
  ['ort-cpu', availableParallelism(), true],
  ['ort-cpu', availableParallelism(), false],
  ['ort-webgpu', availableParallelism(), false],
];

function runCase(c: BenchCase): Record<string, number | string> {
  // Same Node flags as this process (tsx's loader, --conditions=source).
  const out = execFileSync(process.execPath, [...process.execArgv, CASE_SCRIPT, JSON.stringify(c)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

function runs(model: string, engine: string): { runs: number; warmup: number } {
  const n = process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : undefined;
  const small = model.startsWith('pose');
  if (engine === 'tfjs-wasm') return { runs: n ?? (small ? 3 : 1), warmup: 1 };
  return { runs: n ?? (small ? 10 : 3), warmup: small ? 3 : 1 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' }, models: { type: 'string' }, engines: { type: 'string' } } });
  const models = (values.models?.split(',') ?? [...Object.keys(BENCH_MODELS), 'pose-pipeline-5']) as Array<BenchModelId | 'pose-pipeline-5'>;
  const engines = ALL_ENGINES.filter(([e]) => !values.engines || values.engines.split(',').includes(e));
  tf.enableProdMode();
  await useBackend('wasm');
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hrnet-bench-'));
  const ortCache = join(dir, 'ort-optimized');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const model of models) {
    const id = model === 'pose-pipeline-5' ? 'pose-w32-256x192' : model;
    if (!(id in BENCH_MODELS)) throw new Error(`unknown model '${model}'; expected ${[...Object.keys(BENCH_MODELS), 'pose-pipeline-5'].join(', ')}`);
    const [h, w] = BENCH_MODELS[id].input;
    const net = createBenchModel(id);
    const x = tf.zeros([1, h, w, 3]) as tf.Tensor4D;
    const macs = (await countMacs(net, x)) * (model === 'pose-pipeline-5' ? 5 : 1);
    x.dispose();
    const onnxPath = join(dir, `${id}.onnx`);
    writeFileSync(onnxPath, net.toOnnx());
    net.dispose();
    const modelRows: Row[] = [];
    const weightsMB = statSync(onnxPath).size / 2 ** 20;
    for (const [engine, threads, cached] of engines) {
      const r = runCase({ model, engine, threads, onnxPath, ortCache: cached ? ortCache : undefined, ...runs(model, engine) });
      const row: Row = {
        model,
        engine,
        threads,
        ms: Number(r.ms ?? NaN),
        gflops: (2 * macs) / (Number(r.ms) * 1e6),
        rssMB: Number(r.rssMB ?? NaN),
        modelMB: Number(r.modelMB ?? NaN),
        optimizedCache: cached,
      };
      if (r.msPerPerson !== undefined) Object.assign(row, { msPerPerson: r.msPerPerson, bareForwardMs: r.bareForwardMs });
      if (r.error) row.error = String(r.error);
      modelRows.push(row);
      rows.push(row);
    }
    const reference = process.env.HRNET_BENCH_REFERENCE_ONNX;
    if (reference && model === 'pose-w32-256x192') {
      // PyTorch's own export of the official pose_hrnet.py W32 (tools/oracle/export_pose_onnx.py), same ORT settings.
      for (const [engine, threads, cached] of engines.filter(([e]) => e === 'ort-cpu')) {
        const r = runCase({ model, engine, threads, onnxPath: reference, nchwInput: true, ortCache: cached ? ortCache : undefined, ...runs(model, engine) });
        const row: Row = { model, engine, threads, ms: Number(r.ms ?? NaN), gflops: (2 * macs) / (Number(r.ms) * 1e6), rssMB: Number(r.rssMB ?? NaN), modelMB: Number(r.modelMB ?? NaN), optimizedCache: cached, reference: 'pytorch-export' };
        if (r.error) row.error = String(r.error);
        modelRows.push(row);
        rows.push(row);
      }
    }
    print(model, (2 * macs) / 1e9, weightsMB, modelRows);
  }
  if (values.json) {
    const file = userPath(values.json); // relative to where the user typed `pnpm bench`
    writeFileSync(file, `${JSON.stringify(rows, null, 1)}\n`);
    console.log(`wrote ${rows.length} rows to ${file}`);
  }
}

function print(model: string, gflop: number, weightsMB: number, rows: Row[]): void {
  const base = rows.find((r) => !r.error);
  console.log(`\n${model} (${gflop.toFixed(1)} GFLOP per ${model.includes('pipeline') ? 'image' : 'forward'}, batch 1; weights ${weightsMB.toFixed(0)} MB in float32)`);
  console.log(`engine                           threads   median ms   GFLOP/s   speed-up vs first   peak RSS MB   model's MB (× weights)${model.includes('pipeline') ? '   ms/person   bare forward ms   ratio' : ''}`);
  for (const r of rows) {
    const label = `${r.engine}${r.engine === 'ort-cpu' && !r.optimizedCache ? ' (fresh)' : ''}${r.reference ? ' PyTorch export' : ''}`;
    if (r.error) {
      const reason = /Failed to get a WebGPU adapter[^\n]*/.exec(r.error)?.[0] ?? r.error;
      console.log(`${label.padEnd(32)} ${String(r.threads).padStart(7)}   unavailable: ${reason}`);
      continue;
    }
    const own = `${r.modelMB.toFixed(0)} (${(r.modelMB / weightsMB).toFixed(2)}×)`;
    let line = `${label.padEnd(32)} ${String(r.threads).padStart(7)} ${r.ms.toFixed(1).padStart(11)} ${r.gflops.toFixed(1).padStart(9)} ${`${((base?.ms ?? r.ms) / r.ms).toFixed(2)}×`.padStart(19)} ${r.rssMB.toFixed(0).padStart(13)} ${own.padStart(24)}`;
    if (r.msPerPerson !== undefined) line += `${r.msPerPerson.toFixed(1).padStart(12)} ${r.bareForwardMs!.toFixed(1).padStart(17)} ${(r.msPerPerson / r.bareForwardMs!).toFixed(2).padStart(7)}`;
    console.log(line);
  }
}

void main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
