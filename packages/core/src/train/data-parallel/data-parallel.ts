/**
 * Data-parallel training on worker threads (Node; Node built-ins are loaded when workers start). Each worker holds a replica of the model on its own
 * TF.js engine and computes the loss gradients of its share of the global batch; the coordinator
 * (the training loop's thread) averages them in worker order — weighted by shard size, since every
 * loss is a per-shard mean — and applies ONE optimizer step to its own model, then broadcasts the
 * new weights. Stepping once and broadcasting (rather than stepping identically in every worker)
 * keeps the optimizer state and the authoritative weights where the caller's checkpoints read
 * them, so resuming works exactly as without workers, and replicas can never drift.
 *
 * BatchNorm: layers in train mode normalise each shard with its own batch statistics (PyTorch
 * DDP without SyncBatchNorm does the same), so a 2-worker step equals a 1-worker step on the
 * global batch only where BN uses running statistics (normEval / frozen BN) or there is no BN.
 * Running stats are averaged over workers (weighted by shard size) after every step. Replicas
 * copy each BN's `normEval` and `momentum` from the coordinator's model when they start.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module.js';
import type { Optimizer } from '../optimizers.js';
import { normSettings } from './batch-norms.js';
import { type FromWorker, offsets, type ReplicaSpec, type SharedBuffers, type ShardContext, type ToWorker, type VariableLayout } from './protocol.js';
import { shardRanges } from './shard.js';
import { BOOTSTRAP, nodeBuiltin, workerBootstrap, workerEntryUrl } from './worker-url.js';

export interface DataParallelOptions<Batch> {
  /** Worker threads (≥ 1); each computes the gradients of ⌈batch / workers⌉ examples or fewer. */
  workers: number;
  /** The coordinator's model (its weights and the optimizer's state are the run's). */
  model: Module;
  optimizer: Optimizer;
  /** How a worker builds its replica (same architecture as `model`). */
  replica: ReplicaSpec;
  /** Examples in a batch, and the shard of examples [start, end) (structured-cloneable). */
  size: (batch: Batch) => number;
  split: (batch: Batch, start: number, end: number) => unknown;
  /** Seed of the replicas' random streams (ShardContext.seed). */
  seed?: number;
  /** Backend of the workers; default the current TF.js backend. */
  backend?: string;
}

/** Averaged gradients of one global batch (null where no worker's loss reached a variable). */
export interface AveragedGradients {
  loss: number;
  metrics: Record<string, number>;
  grads: Array<Float32Array | null>;
}

export interface DataParallel<Batch> {
  readonly workers: number;
  /**
   * Milliseconds spent so far waiting for the workers' gradients, and in this thread (averaging,
   * optimizer step, broadcast): the serial part that bounds the speed-up.
   */
  readonly timing: { steps: number; workersMs: number; coordinatorMs: number };
  /** Loss and gradients of `batch`, averaged over the workers' shards (no step taken). */
  gradients(batch: Batch, where?: { epoch: number; step: number }): Promise<AveragedGradients>;
  /** One optimizer step on `batch`: gradients, one update of the coordinator's model, broadcast. */
  step(batch: Batch, where?: { epoch: number; step: number }): Promise<{ loss: number; metrics: Record<string, number> }>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Starts `options.workers` gradient workers with replicas of `options.model` (put in training mode). */
export async function startDataParallel<Batch>(options: DataParallelOptions<Batch>): Promise<DataParallel<Batch>> {
  const { workers: count, model, optimizer } = options;
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`data-parallel training: workers must be a positive integer, got ${count}`);
  model.setTraining(true);
  const params = model.trainableVariables();
  const buffers = model.bufferVariables();
  const layout: VariableLayout = { params: params.map((v) => v.size), buffers: buffers.map((v) => v.size) };
  const paramAt = offsets(layout.params);
  const bufferAt = offsets(layout.buffers);
  const P = paramAt[paramAt.length - 1];
  const B = bufferAt[bufferAt.length - 1];
  const shared: SharedBuffers = {
    weights: new SharedArrayBuffer(4 * (P + B)),
    grads: new SharedArrayBuffer(4 * count * P),
    buffers: new SharedArrayBuffer(4 * count * B),
    present: new SharedArrayBuffer(count * params.length),
  };
  const weights = new Float32Array(shared.weights);
  const grads = new Float32Array(shared.grads);
  const bufferSlots = new Float32Array(shared.buffers);
  const present = new Uint8Array(shared.present);
  let version = 0;
  const broadcast = () => {
    params.forEach((v, i) => weights.set(v.dataSync() as Float32Array, paramAt[i]));
    buffers.forEach((v, i) => weights.set(v.dataSync() as Float32Array, P + bufferAt[i]));
    version++;
  };
  broadcast();

  const { Worker } = await nodeBuiltin<typeof import('node:worker_threads')>('worker_threads');
  const entry = workerEntryUrl();
  const boot = await workerBootstrap([entry, options.replica.url]);
  const threads = Array.from({ length: count }, () => new Worker(BOOTSTRAP, { workerData: { entry, tsx: boot.tsx }, execArgv: boot.execArgv }));
  // One pending reply per worker at a time: the protocol is strictly request → reply.
  const pending: Array<{ resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null> = threads.map(() => null);
  const failed: Array<Error | null> = threads.map(() => null);
  threads.forEach((worker, k) => {
    const fail = (error: Error) => {
      failed[k] = error;
      pending[k]?.reject(error);
      pending[k] = null;
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') return fail(new Error(`training worker ${k}: ${m.message}`));
      const p = pending[k];
      pending[k] = null;
      p?.resolve(m);
    });
    worker.on('error', (e) => fail(new Error(`training worker ${k} failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`training worker ${k} exited (code ${code})`)));
  });
  const request = (k: number, message: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      if (failed[k]) return reject(failed[k]);
      pending[k] = { resolve, reject };
      threads[k].postMessage(message);
    });
  const close = async () => {
    await Promise.all(threads.map((w) => w.terminate()));
  };

  const backend = options.backend ?? tf.getBackend();
  const norms = normSettings(model);
  try {
    await Promise.all(threads.map((_, index) => request(index, { type: 'init', index, workers: count, backend, replica: options.replica, layout, norms, shared })));
  } catch (error) {
    await close();
    throw error;
  }

  const timing = { steps: 0, workersMs: 0, coordinatorMs: 0 };
  const gradients = async (batch: Batch, where = { epoch: 0, step: 0 }): Promise<AveragedGradients> => {
    const n = options.size(batch);
    if (!(n > 0)) throw new Error('data-parallel training: empty batch');
    const ranges = shardRanges(n, count);
    const active = ranges.map(([a, b], k) => ({ k, a, b })).filter(({ a, b }) => b > a);
    const sent = performance.now();
    const replies = await Promise.all(
      active.map(({ k, a, b }) => {
        const context: ShardContext = { ...where, worker: k, workers: count, seed: options.seed ?? 0 };
        return request(k, { type: 'step', shard: options.split(batch, a, b), context, version });
      }),
    );
    timing.workersMs += performance.now() - sent;
    // Fixed order (worker 0, 1, …) and float64 accumulation: the same sum on every run.
    const weightOf = active.map(({ a, b }) => (b - a) / n);
    const averaged = params.map((_, i) => {
      const from = active.filter(({ k }) => present[k * params.length + i]);
      if (from.length === 0) return null;
      const acc = new Float64Array(layout.params[i]);
      active.forEach(({ k }, j) => {
        if (!present[k * params.length + i]) return;
        const slot = grads.subarray(k * P + paramAt[i], k * P + paramAt[i + 1]);
        for (let e = 0; e < acc.length; e++) acc[e] += weightOf[j] * slot[e];
      });
      return Float32Array.from(acc);
    });
    let loss = 0;
    const metrics: Record<string, number> = {};
    replies.forEach((r, j) => {
      if (r.type !== 'done') return;
      loss += weightOf[j] * r.loss;
      for (const [name, value] of Object.entries(r.metrics)) metrics[name] = (metrics[name] ?? 0) + weightOf[j] * value;
    });
    // BN running stats: the shard-size-weighted mean of the workers' updated stats.
    if (B > 0) {
      const mean = new Float64Array(B);
      active.forEach(({ k }, j) => {
        for (let e = 0; e < B; e++) mean[e] += weightOf[j] * bufferSlots[k * B + e];
      });
      tf.tidy(() => buffers.forEach((v, i) => v.assign(tf.tensor(Float32Array.from(mean.subarray(bufferAt[i], bufferAt[i + 1])), v.shape))));
    }
    return { loss, metrics, grads: averaged };
  };

  return {
    workers: count,
    timing,
    gradients,
    async step(batch, where) {
      const started = performance.now();
      const workersBefore = timing.workersMs;
      const { loss, metrics, grads: averaged } = await gradients(batch, where);
      const named: Record<string, tf.Tensor> = {};
      averaged.forEach((g, i) => {
        if (g) named[params[i].name] = tf.tensor(g, params[i].shape);
      });
      try {
        optimizer.step(named, params);
      } finally {
        tf.dispose(Object.values(named));
      }
      broadcast();
      timing.steps++;
      timing.coordinatorMs += performance.now() - started - (timing.workersMs - workersBefore);
      return { loss, metrics };
    },
    close,
  };
}
