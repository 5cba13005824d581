/**
 * One `pnpm bench` measurement, run in its own process so its peak RSS is its own. Argument: a JSON
 * {@link BenchCase}. Prints one JSON line: median ms, runs, peak RSS (MB), or `error`.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { boxFromXywh, type NetworkRunner, onnxRunner, type OnnxSession } from '@hrnetjs/core';
import { createOrtSession, useBackend } from '@hrnetjs/core/node';
import { createPoseEstimator, type PoseModel } from '@hrnetjs/pose-head';
import { BENCH_MODELS, type BenchModelId, createBenchModel, tfjsForward } from './bench-models.js';

export interface BenchCase {
  model: BenchModelId | 'pose-pipeline-5';
  /** The model's .onnx file (written once by the parent, as `hrnet convert --to onnx` would). */
  onnxPath?: string;
  engine: 'tfjs-wasm' | 'ort-cpu' | 'ort-webgpu';
  threads: number;
  /** ort-cpu: load the graph that onnxruntime optimized for this CPU from this folder (`optimizedModelCache`). */
  ortCache?: string;
  /** The .onnx file is a reference export with an NCHW input (PyTorch's `torch.onnx.export`), not ours. */
  nchwInput?: boolean;
  runs: number;
  warmup: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function time(runs: number, warmup: number, step: () => Promise<void>): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** An ORT session over the model's .onnx file (how a deployment loads it: no weights in the JS heap). */
function ortSession(c: BenchCase): Promise<OnnxSession> {
  if (!c.onnxPath) throw new Error('an onnxruntime case needs onnxPath');
  return createOrtSession(c.onnxPath, { executionProvider: c.engine === 'ort-webgpu' ? 'webgpu' : 'cpu', intraOpNumThreads: c.threads, optimizedModelCache: c.ortCache });
}

async function forwardCase(c: BenchCase & { model: BenchModelId }): Promise<Record<string, number>> {
  const [h, w] = BENCH_MODELS[c.model].input;
  if (c.engine === 'tfjs-wasm') {
    await useBackend('wasm');
    const model = createBenchModel(c.model);
    const x = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const ms = await time(c.runs, c.warmup, () => tfjsForward(model, x));
    return { ms };
  }
  const session = await ortSession(c);
  const data = Float32Array.from({ length: h * w * 3 }, (_, i) => Math.sin(i));
  const feed = { [session.inputNames[0]]: { data, dims: c.nchwInput ? [1, 3, h, w] : [1, h, w, 3] } };
  const ms = await time(c.runs, c.warmup, async () => {
    await session.run(feed);
  });
  await session.release();
  return { ms };
}

/** Top-down pose on a 640×480 image with 5 person boxes (no flip): crop + forward + decode per person. */
async function pipelineCase(c: BenchCase): Promise<Record<string, number>> {
  await useBackend('wasm');
  const model = createBenchModel('pose-w32-256x192') as PoseModel;
  const image = { width: 640, height: 480, data: Uint8Array.from({ length: 640 * 480 * 3 }, (_, i) => (i * 37) % 251) };
  const boxes = [0, 1, 2, 3, 4].map((i) => boxFromXywh([10 + 120 * i, 20 + 10 * i, 110, 300]));
  let network: NetworkRunner | undefined;
  let session: OnnxSession | undefined;
  if (c.engine !== 'tfjs-wasm') {
    session = await ortSession(c);
    network = onnxRunner(session);
  }
  const estimator = await createPoseEstimator(model, { network, flipTest: false });
  const ms = await time(c.runs, c.warmup, async () => {
    const poses = await estimator.estimatePoses(image, { boxes });
    if (poses.length !== 5) throw new Error(`expected 5 poses, got ${poses.length}`);
  });
  // The bare network on one 256×192 crop, same engine, for the "pipeline vs forward per person" ratio.
  const x = tf.randomNormal([1, 256, 192, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const bare = await time(c.runs, c.warmup, async () => {
    if (network) tf.dispose(Object.values(await network(x)));
    else await tfjsForward(model, x);
  });
  await session?.release();
  return { ms, msPerPerson: ms / 5, bareForwardMs: bare };
}

async function main(): Promise<void> {
  tf.enableProdMode();
  const c = JSON.parse(process.argv[2]) as BenchCase;
  c.threads ||= availableParallelism();
  try {
    // What the process holds before any model (Node, tsx, TF.js, onnxruntime's library): the rest of
    // the peak is the model's own.
    if (c.engine !== 'tfjs-wasm') await import('onnxruntime-node');
    const baseMB = process.memoryUsage().rss / 2 ** 20;
    const result = c.model === 'pose-pipeline-5' ? await pipelineCase(c) : await forwardCase(c as BenchCase & { model: BenchModelId });
    const rssMB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ ...result, rssMB, modelMB: rssMB - baseMB })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message.split('\n')[0] })}\n`);
  }
}

void main();
