import * as tf from '@tensorflow/tfjs-core';
import { Adam, enableTraining, exportStateDict, parseModelConfig, type StateDict } from '@hrnetjs/core';
import { batchNorms, createRandom, siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { PoseModel } from '../pose-model.js';
import { generateTarget } from './heatmap-target.js';
import { type PoseBatch, poseBatchLoss, slicePoseBatch } from './pose-replica.js';
import { trainPose } from './train-pose.js';
import { xywh2cs } from '../center-scale.js';
import type { PoseExample } from './joints-dataset-sample.js';

const stage = (n: number, channels: number[]) => ({
  NUM_MODULES: 1, NUM_BRANCHES: n, BLOCK: 'BASIC', NUM_BLOCKS: Array(n).fill(1), NUM_CHANNELS: channels, FUSE_METHOD: 'SUM',
});
const tinyConfig = (joints = 5) =>
  parseModelConfig({
    MODEL: {
      NAME: 'pose_hrnet', NUM_JOINTS: joints, IMAGE_SIZE: [32, 32], HEATMAP_SIZE: [8, 8],
      EXTRA: { FINAL_CONV_KERNEL: 1, STAGE2: stage(2, [4, 8]), STAGE3: stage(3, [4, 8, 8]), STAGE4: stage(4, [4, 8, 8, 8]) },
    },
  });

/** A global batch of `n` random crops with Gaussian targets at random joints. */
function randomBatch(n: number, seed: number): PoseBatch {
  const random = createRandom(seed);
  const input = Float32Array.from({ length: n * 32 * 32 * 3 }, () => random() * 2 - 1);
  const targets = Array.from({ length: n }, () => {
    const joints = Array.from({ length: 5 }, () => [2 + random() * 28, 2 + random() * 28] as [number, number]);
    return generateTarget(joints, joints.map((_, j) => (j === 3 ? 0 : 1)), { imageSize: [32, 32], heatmapSize: [8, 8], sigma: 1 });
  });
  return { input, targets };
}

/** Largest |a − b| relative to the largest |b| of each gradient tensor. */
function worstRelative(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let scale = 0;
    let diff = 0;
    for (let e = 0; e < x.length; e++) {
      scale = Math.max(scale, Math.abs(b[i][e]));
      diff = Math.max(diff, Math.abs(x[e] - b[i][e]));
    }
    worst = Math.max(worst, diff / Math.max(scale, 1e-12));
  });
  return worst;
}

/** People as 17 coloured dots in a box on noise (fresh per seed). */
function people(count: number, seed: number): PoseExample[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const data = Uint8Array.from({ length: 48 * 48 * 3 }, () => 60 + Math.floor(random() * 40));
    const joints = Array.from({ length: 17 }, (_, j) => [10 + random() * 28, 6 + j * 2] as [number, number]);
    joints.forEach(([x, y], j) => data.set([(j * 53) % 256, 200, 255 - j * 9], (Math.round(y) * 48 + Math.round(x)) * 3));
    return { image: { data, width: 48, height: 48 }, joints, visibility: joints.map(() => 2), box: xywh2cs({ x: 8, y: 4, width: 32, height: 40 }, 1) };
  });
}

function inProcessGradients(model: PoseModel, batch: PoseBatch): Float32Array[] {
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => poseBatchLoss(model, batch), vars);
  const out = vars.map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function largestDifference(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, t] of a) {
    if (!(t.values instanceof Float32Array)) continue;
    const other = b.get(key)!.values as Float32Array;
    t.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other[i]))));
  }
  return worst;
}

beforeAll(async () => {
  await enableTraining();
  await useBackend('wasm');
});

describe('data-parallel trainPose (2 worker threads, wasm)', () => {
  it('the averaged gradients of a 2-worker step equal the 1-worker gradients of the global batch (frozen BN), to 1e-5 of each tensor’s largest value', async () => {
    const model = new PoseModel(tinyConfig());
    batchNorms(model).forEach((bn) => (bn.normEval = true)); // the workers' replicas copy it
    model.setTraining(true);
    const batch = randomBatch(5, 4); // 3 + 2 examples: unequal shares are weighted by size
    const want = inProcessGradients(model, batch);
    const optimizer = new Adam(1e-3);
    const parallel = await startDataParallel<PoseBatch>({
      workers: 2,
      model,
      optimizer,
      replica: { url: siblingModuleUrl(import.meta.url, './pose-replica.ts', './train-replica.js'), options: { config: model.config } },
      size: (b) => b.targets.length,
      split: slicePoseBatch,
    });
    try {
      const got = await parallel.gradients(batch);
      expect(got.grads.every((g) => g !== null)).toBe(true);
      expect(got.grads.length).toBe(want.length);
      const wantLoss = tf.tidy(() => poseBatchLoss(model, batch).dataSync()[0]);
      expect(Math.abs(got.loss - wantLoss)).toBeLessThan(1e-5 * Math.abs(wantLoss));
      const relative = worstRelative(got.grads as Float32Array[], want);
      console.log(`2-worker vs 1-worker gradients: worst |Δ| / max|g| = ${relative.toExponential(2)}`);
      expect(relative).toBeLessThan(1e-5);
    } finally {
      await parallel.close();
      optimizer.dispose();
    }
    // With BN on batch statistics the shares' gradients average to something else (why BN is frozen above).
    batchNorms(model).forEach((bn) => (bn.normEval = false));
    const global = inProcessGradients(model, batch);
    const [a, b] = [slicePoseBatch(batch, 0, 3), slicePoseBatch(batch, 3, 5)].map((s) => inProcessGradients(model, s));
    const mixed = a.map((g, i) => g.map((v, e) => 0.6 * v + 0.4 * b[i][e]));
    expect(worstRelative(mixed, global)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('is deterministic and resumable with 2 workers: epoch 1, checkpoint, resume at epoch 1 = 2 epochs straight', async () => {
    const initial = exportStateDict(new PoseModel(tinyConfig(17)));
    const perEpoch = (epoch: number) => people(6, 30 + epoch);
    const options = { batchSize: 6, learningRate: 5e-3, seed: 3, sigma: 1, workers: 2 };
    const before = tf.memory().numTensors;
    const straight = new PoseModel(tinyConfig(17));
    straight.load(initial);
    const lines: number[] = [];
    await trainPose(straight, perEpoch, { ...options, epochs: 2, onProgress: (p) => lines.push(p.examplesPerSecond ?? NaN) });
    expect(lines.length).toBe(2);
    expect(lines.every((r) => r > 0)).toBe(true);

    const first = new PoseModel(tinyConfig(17));
    first.load(initial);
    const optimizer = new Adam(5e-3);
    let state: ReturnType<Adam['exportState']> | undefined;
    await trainPose(first, perEpoch, { ...options, epochs: 1, optimizer, onEpochEnd: () => void (state = optimizer.exportState(first.trainableVariables())) });
    optimizer.dispose();
    const resumed = new PoseModel(tinyConfig(17));
    resumed.load(exportStateDict(first));
    const optimizer2 = new Adam(5e-3);
    resumed.setTraining(true);
    optimizer2.importState(resumed.trainableVariables(), state!);
    await trainPose(resumed, perEpoch, { ...options, epochs: 2, startEpoch: 1, optimizer: optimizer2 });
    optimizer2.dispose();
    const want = exportStateDict(straight);
    // Same worker count and seed: the same sums in the same order, so equal to float rounding of nothing.
    expect(largestDifference(exportStateDict(resumed), want)).toBe(0);
    // BN running stats moved (averaged over the workers) and weights trained.
    expect(largestDifference(want, initial)).toBeGreaterThan(1e-3);
    [straight, first, resumed].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a replica that is not the same model, saying so', async () => {
    const model = new PoseModel(tinyConfig(5));
    const optimizer = new Adam(1e-3);
    const start = startDataParallel<PoseBatch>({
      workers: 1,
      model,
      optimizer,
      replica: { url: siblingModuleUrl(import.meta.url, './pose-replica.ts', './train-replica.js'), options: { config: tinyConfig(17) } },
      size: (b) => b.targets.length,
      split: slicePoseBatch,
    });
    await expect(start).rejects.toThrow(/parameters \/ \d+ buffers of other sizes than the coordinator's .*the replica options must describe the same model/);
    optimizer.dispose();
    model.dispose();
  });
});
