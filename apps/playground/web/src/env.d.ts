/// <reference types="vite/client" />
import type { DemoRecord } from '../../src/demo-model/index.js';

/** What the page exposes for its browser test (and for curious users in the console). */
export interface PlaygroundState {
  /** The record of the last finished run (null before the first). */
  record: DemoRecord | null;
  /** The TF.js backend really in use (`tf.getBackend()` after switching). */
  backend: string;
  /** Finished runs so far: a test waits for it to grow. */
  runs: number;
  /** The last error shown in the page, or null. */
  error: string | null;
  /** `tf.memory().numTensors` after the last run: steady from run to run when nothing leaks. */
  tensors: number;
  /** What runs the networks: 'tfjs' or 'onnxruntime-web'. */
  engine: 'tfjs' | 'onnxruntime-web';
  /** onnxruntime-web's execution provider ('wasm' or 'webgpu'), null on TF.js. */
  executionProvider: string | null;
  /** onnxruntime-web's WebAssembly threads (known after its first session), null before / on TF.js. */
  ortThreads: number | null;
  /** `self.crossOriginIsolated`: true where the server sends COOP same-origin + COEP require-corp (wasm threads need it). */
  crossOriginIsolated: boolean;
  /**
   * Runs one network of the current weights on the active engine, on a given NHWC float32 input:
   * 'multiTask' (the shared graph: logits, neck levels, and on onnxruntime the RPN outputs) or
   * 'pose' (heatmaps). Float32 data travels as base64 of the little-endian bytes.
   */
  forward?: (network: 'multiTask' | 'pose', input: EncodedTensor) => Promise<Record<string, EncodedTensor>>;
}

/** A float32 tensor as the page's test hook passes it: dims and base64 of its bytes. */
export interface EncodedTensor {
  dims: number[];
  base64: string;
}

declare global {
  interface Window {
    __hrnet?: PlaygroundState;
  }
}
