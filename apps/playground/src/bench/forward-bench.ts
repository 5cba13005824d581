/**
 * `pnpm bench`: W32 256×192 pose forward on every backend available here. Median of N timed
 * runs after warm-up, ms and GFLOP/s, and tf.memory().numTensors before/after (must not grow).
 * Ratios are against the first backend measured in the same run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getPreset } from '@hrnetjs/core';
import { Conv2d } from '@hrnetjs/core/ops';
import { isResolvable, useBackend } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';

const PRESET = 'pose-coco-w32-256x192';
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;

/** Multiply-accumulates of one forward (conv layers), counted from the shapes a forward produces. */
function countMacs(model: PoseModel, x: tf.Tensor4D): number {
  let macs = 0;
  const original = Conv2d.prototype.run;
  Conv2d.prototype.run = function (this: Conv2d, input, bn, relu) {
    const out = original.call(this, input, bn, relu);
    const [, h, w] = out.shape;
    macs += this.kernelSize * this.kernelSize * this.inChannels * this.outChannels * h * w;
    return out;
  };
  try {
    tf.dispose(model.forwardNamed(x));
  } finally {
    Conv2d.prototype.run = original;
  }
  return macs;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function benchBackend(name: 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu', runs: number) {
  await useBackend(name);
  const config = getPreset(PRESET);
  const [width, height] = config.input.imageSize ?? [192, 256];
  const model = new PoseModel(config); // random weights: speed does not depend on values
  const x = tf.randomNormal([1, height, width, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const macs = countMacs(model, x);
  for (let i = 0; i < WARMUP; i++) {
    const out = model.predict(x);
    await out.data();
    out.dispose();
  }
  const before = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = model.predict(x);
    await out.data();
    times.push(performance.now() - start);
    out.dispose();
  }
  const after = tf.memory().numTensors;
  model.dispose();
  x.dispose();
  const ms = median(times);
  return { backend: name, runs, ms, gflops: (2 * macs) / (ms * 1e6), gmacs: macs / 1e9, before, after };
}

async function main(): Promise<void> {
  tf.enableProdMode();
  const backends: Array<'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu'> = ['wasm', 'cpu'];
  if (isResolvable('@tensorflow/tfjs-node-gpu')) backends.unshift('tensorflow-gpu');
  else if (isResolvable('@tensorflow/tfjs-node')) backends.unshift('tensorflow');
  const only = process.env.BENCH_BACKENDS?.split(',');
  const results = [];
  for (const name of backends.filter((b) => !only || only.includes(b))) {
    try {
      // cpu is ~20× slower than wasm: fewer runs keep the bench under a few minutes.
      results.push(await benchBackend(name, name === 'cpu' ? Math.min(RUNS, 10) : RUNS));
    } catch (error) {
      console.log(`${name}: unavailable (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const base = results[0];
  console.log(`${PRESET} forward, batch 1, median of N runs after ${WARMUP} warm-up runs (${base?.gmacs.toFixed(2)} GMACs)`);
  console.log('backend         runs   median ms   GFLOP/s   vs first   tensors before→after');
  for (const r of results) {
    console.log(
      `${r.backend.padEnd(15)} ${String(r.runs).padStart(4)} ${r.ms.toFixed(1).padStart(11)} ${r.gflops.toFixed(2).padStart(9)} ` +
        `${(r.ms / base.ms).toFixed(2).padStart(9)}×   ${r.before}→${r.after}${r.after > r.before ? '  LEAK' : ''}`,
    );
  }
  if (results.some((r) => r.after > r.before)) process.exitCode = 1;
}

void main();
