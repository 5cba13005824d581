import type { OnnxSession } from './engine.js';
import { type OrtInferenceSessionLike, OrtSessionAdapter, type OrtTensorConstructor } from './ort-session-adapter.js';

/** Execution providers of onnxruntime-web we select by name. */
export type OrtWebExecutionProvider = 'wasm' | 'webgpu';

/** Options of {@link createOrtWebSession}. */
export interface OrtWebSessionOptions {
  /** Default 'wasm' (multi-threaded where the page is cross-origin isolated); 'webgpu' needs a GPU adapter. */
  executionProvider?: OrtWebExecutionProvider;
  /**
   * WebAssembly threads (`ort.env.wasm.numThreads`). onnxruntime-web fixes them when its runtime
   * starts (the first session of the page), so this only counts on the first call; a later call
   * asking for another number is an error. Threads need a cross-origin isolated page
   * (`Cross-Origin-Opener-Policy: same-origin` + `Cross-Origin-Embedder-Policy: require-corp`);
   * elsewhere onnxruntime-web runs on one thread. Default: onnxruntime-web's own choice.
   */
  numThreads?: number;
  /** Default 'all'. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** An onnxruntime-web session and what it really runs on. */
export interface OrtWebSession extends OnnxSession {
  readonly executionProvider: OrtWebExecutionProvider;
  /** WebAssembly threads of the runtime (1 where the page is not cross-origin isolated). */
  readonly numThreads: number;
}

type OrtWebInferenceSession = OrtInferenceSessionLike;

/** The session options the adapter passes (a subset of onnxruntime-web's `InferenceSession.SessionOptions`). */
interface OrtWebCreateOptions {
  executionProviders: string[];
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode: 'sequential';
}

/** The parts of the onnxruntime-web module (`import * as ort from 'onnxruntime-web'`) the adapter uses. */
export interface OrtWebModule {
  InferenceSession: { create(model: Uint8Array, options: OrtWebCreateOptions): Promise<OrtWebInferenceSession> };
  Tensor: OrtTensorConstructor;
  env: { wasm: { numThreads?: number } };
}

/** The threads each onnxruntime-web runtime (keyed by its `env.wasm`) was asked for and really started with. */
const startedThreads = new WeakMap<object, { requested: number | undefined; actual: number }>();

/** Why WebGPU cannot run here, or null when it has an adapter. */
async function webGpuProblem(): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? null : 'navigator.gpu gives no adapter (no GPU, or GPU access is disabled)';
}

/**
 * An onnxruntime-web session over ONNX bytes (e.g. `model.toOnnx()`), as an {@link OnnxSession} for
 * `onnxRunner`, `detector.useOnnx` and the pipelines' `network` option. Browser-safe: pass the
 * onnxruntime-web module you import (the library never imports it, so your bundler decides which
 * build and where its `.wasm` files are served: set `ort.env.wasm.wasmPaths` first). The execution
 * provider is checked at start; an error names it and why it cannot run.
 */
export async function createOrtWebSession(ort: OrtWebModule, model: Uint8Array, options: OrtWebSessionOptions = {}): Promise<OrtWebSession> {
  const ep = options.executionProvider ?? 'wasm';
  if (ep !== 'wasm' && ep !== 'webgpu') throw new Error(`unknown onnxruntime-web execution provider '${ep}'; expected wasm or webgpu`);
  const wasmEnv = ort.env.wasm;
  const { numThreads } = options;
  if (numThreads !== undefined) {
    if (!Number.isInteger(numThreads) || numThreads < 1) throw new Error(`numThreads must be a positive integer, got ${numThreads}`);
    const started = startedThreads.get(wasmEnv);
    if (started === undefined) wasmEnv.numThreads = numThreads;
    else if (numThreads !== started.requested && numThreads !== started.actual) {
      throw new Error(
        `onnxruntime-web already runs with ${started.actual} WebAssembly thread(s); the thread count is fixed when its runtime starts (the first session), so ${numThreads} cannot take effect now`,
      );
    }
  }
  if (ep === 'webgpu') {
    const problem = await webGpuProblem();
    if (problem) throw new Error(`onnxruntime-web cannot start the 'webgpu' execution provider: ${problem}; use 'wasm'`);
  }
  let session: OrtWebInferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: [ep],
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      executionMode: 'sequential',
    });
  } catch (e) {
    const hint = ep === 'wasm' ? " If its .wasm / .mjs files were not found, set ort.env.wasm.wasmPaths to where they are served." : '';
    throw new Error(`onnxruntime-web could not start the '${ep}' execution provider: ${(e as Error).message ?? e}.${hint}`);
  }
  // The runtime has started: env.wasm.numThreads now holds the threads it really uses (onnxruntime-web
  // sets 1 when the page cannot share memory between workers).
  let started = startedThreads.get(wasmEnv);
  if (!started) startedThreads.set(wasmEnv, (started = { requested: numThreads, actual: wasmEnv.numThreads ?? 1 }));
  return new OrtWebSessionImpl(ort, session, ep, started.actual);
}

class OrtWebSessionImpl extends OrtSessionAdapter implements OrtWebSession {
  constructor(
    ort: OrtWebModule,
    session: OrtWebInferenceSession,
    readonly executionProvider: OrtWebExecutionProvider,
    readonly numThreads: number,
  ) {
    super(ort.Tensor, session);
  }
}
