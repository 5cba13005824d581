import * as tf from '@tensorflow/tfjs-core';
import type { TaskModel } from '../model/task-model.js';

/** Float32 values with their dims (row-major), as they cross between JS and an ONNX runtime. */
export interface HostTensor {
  data: Float32Array;
  dims: number[];
}

/** What the pipelines need from an ONNX runtime session (onnxruntime-node, onnxruntime-web). */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; only `outputs` (default: all) are returned. */
  run(feeds: Record<string, HostTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>>;
  /** Frees the native session. */
  release(): Promise<void>;
}

/** Which engine runs the network: TF.js (the reference), onnxruntime, or onnxruntime when installed. */
export type EngineName = 'tfjs' | 'onnxruntime' | 'auto';

/**
 * Runs a network on a normalised NHWC float32 batch and returns its named NHWC outputs (the names of
 * `forwardNamed`); the caller disposes the returned tensors. Every pipeline calls the network
 * through one of these, so the engine can be swapped without touching the pipeline.
 */
export type NetworkRunner = (x: tf.Tensor4D) => Promise<Record<string, tf.Tensor>>;

/** The TF.js runner: `model.forwardNamed`. */
export function tfjsRunner(model: TaskModel): NetworkRunner {
  return async (x) => model.forwardNamed(x);
}

/**
 * A runner over an ONNX session exported by `model.toOnnx()` (input `input`, NHWC): the batch is
 * downloaded once, run in one session call, and the outputs come back as TF.js tensors.
 */
export function onnxRunner(session: OnnxSession, outputs?: readonly string[]): NetworkRunner {
  return async (x) => {
    if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`the network takes NHWC [N, H, W, 3]; got [${x.shape.join(', ')}]`);
    const data = (await x.data()) as Float32Array;
    const result = await session.run({ input: { data, dims: [...x.shape] } }, outputs);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, tf.tensor(t.data, t.dims)]));
  };
}
