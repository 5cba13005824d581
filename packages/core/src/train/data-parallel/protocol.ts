/**
 * What the coordinator (the training loop's thread) and its gradient workers say to each other.
 * Bulk data never travels in messages: gradients, BN buffers and weights live in SharedArrayBuffers
 * laid out by variable index (the order of `Module.trainableVariables()` / `bufferVariables()`,
 * which is the same in every replica of the same model class and config).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module.js';
import type { NormSetting } from './batch-norms.js';

/** Which module builds a worker's replica, and its (structured-cloneable) options. */
export interface ReplicaSpec {
  /** URL of an ES module exporting `createTrainReplica(options)` (see {@link siblingModuleUrl}). */
  url: string;
  options: unknown;
}

/** Where a shard sits in the run: lets a replica seed its own random streams (RPN / RoI samplers). */
export interface ShardContext {
  epoch: number;
  step: number;
  /** This worker's index and the worker count. */
  worker: number;
  workers: number;
  /** The loop's seed (mix it with the fields above, e.g. with {@link shardSeed}). */
  seed: number;
}

/** A worker's copy of the model and the loss of one shard (what `createTrainReplica` returns). */
export interface TrainReplica<Shard = unknown> {
  model: Module;
  /** Loss of one shard, run inside the gradient tape (mean over the shard's examples). */
  loss: (shard: Shard, context: ShardContext) => tf.Scalar;
  /** Named numbers of the last loss call (loss terms for progress lines). */
  metrics?: () => Record<string, number>;
}

/** Sizes (elements) of every trainable and buffer variable, in order. */
export interface VariableLayout {
  params: number[];
  buffers: number[];
}

export interface SharedBuffers {
  /** Weights broadcast by the coordinator: every param, then every buffer. */
  weights: SharedArrayBuffer;
  /** Per-worker gradients: worker k's at [k·P, (k+1)·P). */
  grads: SharedArrayBuffer;
  /** Per-worker BN buffers after its forward: worker k's at [k·B, (k+1)·B). */
  buffers: SharedArrayBuffer;
  /** Per-worker flags: 1 where variable i got a gradient. */
  present: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'init'; index: number; workers: number; backend: string; replica: ReplicaSpec; layout: VariableLayout; norms: NormSetting[]; shared: SharedBuffers }
  | { type: 'step'; shard: unknown; context: ShardContext; version: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; loss: number; metrics: Record<string, number> }
  | { type: 'error'; message: string };

/** Offsets of each variable in a flat array of the given sizes (plus the total at the end). */
export function offsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const n of sizes) out.push(out[out.length - 1] + n);
  return out;
}

/**
 * A 32-bit seed for the random streams of one shard: differs per (seed, epoch, step, worker) and
 * is the same on every run, so a data-parallel run is deterministic for a seed and worker count.
 */
export function shardSeed(context: ShardContext): number {
  let h = Math.imul(context.seed ^ 0x5bd1e995, 0x9e3779b1);
  for (const v of [context.epoch, context.step, context.worker, context.workers]) h = Math.imul(h ^ (v + 0x7f4a7c15), 0x85ebca6b) ^ (h >>> 13);
  return h >>> 0;
}
