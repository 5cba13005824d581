/**
 * The engines that run the networks: TF.js (on the backend picked under "TF.js backend") or
 * onnxruntime-web, on its `wasm` execution provider (multi-threaded: the page is served
 * cross-origin isolated) or `webgpu` (where `navigator.gpu` exists). With onnxruntime-web each
 * network is compiled in the page from the loaded weights (`model.toOnnx()`, no .onnx file) and
 * run through core's `createOrtWebSession`; pre- and post-processing stay on TF.js.
 */
import { createOrtWebSession, type NetworkRunner, type OnnxSession, onnxRunner, type OrtWebExecutionProvider, type OrtWebSession, type TaskModel } from '@hrnetjs/core';
// onnxruntime-web's runtime, served by Vite from node_modules (no CDN): with the
// `onnxruntime-web-use-extern-wasm` condition (vite.config.ts) the library loads these two files.
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { MultiTaskModel } from '../../src/multitask/index.js';

/** What runs the networks. */
export type WebEngine = 'tfjs' | 'ort-wasm' | 'ort-webgpu';

/** The engines worth offering in this browser, default first. */
export function availableEngines(): WebEngine[] {
  const list: WebEngine[] = ['tfjs', 'ort-wasm'];
  if ('gpu' in navigator && navigator.gpu) list.push('ort-webgpu');
  return list;
}

/** The select's text for an engine. */
export const ENGINE_LABELS: Record<WebEngine, string> = {
  tfjs: 'TF.js',
  'ort-wasm': 'onnxruntime-web (wasm)',
  'ort-webgpu': 'onnxruntime-web (webgpu)',
};

type OrtModule = typeof import('onnxruntime-web');
let ortModule: Promise<OrtModule> | undefined;

/** onnxruntime-web, loaded on first use, told where Vite serves its runtime files. */
function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.wasmPaths = { mjs: new URL(ortWasmMjs, location.href), wasm: new URL(ortWasmBinary, location.href) };
    // Errors only: the webgpu EP otherwise warns on every session that shape ops stay on the CPU.
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortModule;
}

/**
 * WebAssembly threads to ask for: every core (at most 8) where the page is cross-origin isolated
 * (SharedArrayBuffer), else 1 (onnxruntime-web could not start more).
 */
export function wasmThreads(): number {
  return globalThis.crossOriginIsolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1;
}

/**
 * The onnxruntime-web engine with one execution provider: a session per network, opened on first
 * use and kept until the model is dropped or the engine is switched away.
 */
export class OrtEngine {
  /** WebAssembly threads of the runtime (known after the first session). */
  threads: number | null = null;
  private readonly sessions = new Map<TaskModel, { session: OnnxSession; run: NetworkRunner }>();
  private readonly multiTasks = new Set<MultiTaskModel>();

  private constructor(
    private readonly ort: OrtModule,
    readonly executionProvider: OrtWebExecutionProvider,
  ) {}

  static async start(executionProvider: OrtWebExecutionProvider): Promise<OrtEngine> {
    return new OrtEngine(await loadOrt(), executionProvider);
  }

  private async open(bytes: Uint8Array): Promise<OrtWebSession> {
    const session = await createOrtWebSession(this.ort, bytes, { executionProvider: this.executionProvider, numThreads: wasmThreads() });
    this.threads = session.numThreads;
    return session;
  }

  /** The multi-task model on two sessions (its shared graph and the RoI bbox head). */
  async prepareMultiTask(model: MultiTaskModel): Promise<void> {
    if (this.multiTasks.has(model) && model.onnxSessions) return;
    await model.useOnnx((bytes) => this.open(bytes));
    this.multiTasks.add(model);
  }

  /** A network runner over `model.toOnnx()` on this engine's provider. */
  async runner(model: TaskModel): Promise<NetworkRunner> {
    let entry = this.sessions.get(model);
    if (!entry) {
      const session = await this.open(model.toOnnx());
      this.sessions.set(model, (entry = { session, run: onnxRunner(session) }));
    }
    return entry.run;
  }

  /** The session of a model opened with {@link runner}, if any. */
  session(model: TaskModel): OnnxSession | undefined {
    return this.sessions.get(model)?.session;
  }

  /** Releases a model's sessions (the model is dropped or replaced). */
  async forget(model: TaskModel): Promise<void> {
    const entry = this.sessions.get(model);
    this.sessions.delete(model);
    await entry?.session.release();
    if (this.multiTasks.delete(model as MultiTaskModel)) await (model as MultiTaskModel).releaseOnnx();
  }

  /** Releases every session; the models run on TF.js again. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys(), ...this.multiTasks].map((m) => this.forget(m)));
  }

  /** What the page shows: engine, execution provider and threads. */
  describe(): string {
    const threads = this.executionProvider === 'wasm' && this.threads !== null ? `, ${this.threads} thread${this.threads === 1 ? '' : 's'}` : '';
    return `onnxruntime-web ${this.ort.env.versions.web} ${this.executionProvider} EP${threads}`;
  }
}
