import { availableParallelism } from 'node:os';
import type { TaskModel } from '../model/task-model.js';
import { cachedGraph, dropEntry, optimizedEntryDir, writeOptimizedEntry } from './ort-optimized-cache.js';
import { type EngineName, type NetworkRunner, type OnnxSession, onnxRunner, tfjsRunner } from '../onnx/engine.js';
import { type OrtInferenceSessionLike, OrtSessionAdapter, type OrtTensorConstructor } from '../onnx/ort-session-adapter.js';

/** Execution providers of onnxruntime-node we select by name. */
export type OrtExecutionProvider = 'cpu' | 'webgpu' | 'cuda';

/** Options of {@link createOrtSession}. */
export interface OrtSessionOptions {
  /** Default 'cpu'. 'webgpu' is bundled on Linux x64 / Windows; 'cuda' needs the CUDA 12 binaries (see README). */
  executionProvider?: OrtExecutionProvider;
  /** CPU threads per operator; default os.availableParallelism(). */
  intraOpNumThreads?: number;
  /** Default 'all' (Conv+Add+Relu fusion, NCHWc layout). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /**
   * A folder for graphs that onnxruntime has optimized for this CPU (CPU provider, level 'all'). The
   * first session of a model optimizes it in a child process and saves it there; every session then
   * loads the saved graph with its weights mapped from disk: peak memory under 2× the weights instead
   * of ≈3×, and a faster start. Entries are keyed by the model's SHA-256, the CPU and the onnxruntime
   * version, so a folder can be shared. Ignored for the webgpu and cuda providers.
   */
  optimizedModelCache?: string;
  /**
   * Turns on onnxruntime's profiler: when the session is released it writes
   * `<profileFilePrefix>_<date>.json` (Chrome trace format), one event per node run with its op,
   * execution provider and µs, e.g. to check that the 'webgpu' provider ran every node.
   */
  profileFilePrefix?: string;
}

// The few parts of onnxruntime-node we use, typed here so our .d.ts never needs the optional peer.
type OrtInferenceSession = OrtInferenceSessionLike;
interface OrtModule {
  env?: { versions?: { node?: string } };
  InferenceSession: { create(model: Uint8Array | string, options: Record<string, unknown>): Promise<OrtInferenceSession> };
  Tensor: OrtTensorConstructor;
  listSupportedBackends?(): Array<{ name: string; bundled: boolean }>;
}

let ortModule: Promise<OrtModule> | undefined;

/** Imports the optional peer onnxruntime-node, with an install hint when it is missing. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => ((m as { default?: OrtModule }).default?.InferenceSession ? (m as { default: OrtModule }).default : (m as unknown as OrtModule)),
    (e: unknown) => {
      ortModule = undefined;
      throw new Error(
        `the onnxruntime engine needs the optional peer dependency onnxruntime-node (npm install onnxruntime-node@1.30.0): ${(e as Error).message}`,
      );
    },
  );
  return ortModule;
}

/** True when onnxruntime-node can be imported (what engine 'auto' checks). */
export async function isOnnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOnnxRuntime();
    return true;
  } catch {
    return false;
  }
}

/**
 * An onnxruntime-node session over ONNX bytes (e.g. `model.toOnnx()`) or an .onnx file path (e.g.
 * from `hrnet convert --to onnx`; the lighter way: the bytes never enter the JS heap). The execution
 * provider is checked at start: when it cannot run here the error names it and the backends this
 * install has. Drop your reference to the bytes: the session keeps its own copy of the weights.
 */
export async function createOrtSession(model: Uint8Array | string, options: OrtSessionOptions = {}): Promise<OnnxSession> {
  const ort = await loadOnnxRuntime();
  const ep = options.executionProvider ?? 'cpu';
  if (!['cpu', 'webgpu', 'cuda'].includes(ep)) throw new Error(`unknown execution provider '${ep}'; expected cpu, webgpu or cuda`);
  const threads = options.intraOpNumThreads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`intraOpNumThreads must be a positive integer, got ${threads}`);
  const level = options.graphOptimizationLevel ?? 'all';
  const create = (source: Uint8Array | string, graphOptimizationLevel: string) =>
    ort.InferenceSession.create(source, {
      executionProviders: [ep],
      graphOptimizationLevel,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      ...(options.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: options.profileFilePrefix } : {}),
    });
  if (options.optimizedModelCache && ep === 'cpu' && level === 'all') {
    const version = ort.env?.versions?.node ?? 'unknown';
    return new OrtSessionAdapter(ort.Tensor, await createFromOptimizedCache(options.optimizedModelCache, model, version, (graph) => create(graph, 'disabled')));
  }
  let session: OrtInferenceSession;
  try {
    session = await create(model, level);
  } catch (e) {
    const backends = ort.listSupportedBackends?.().map((b) => `${b.name}${b.bundled ? '' : ' (not installed)'}`).join(', ');
    const hint =
      ep === 'cuda'
        ? ' The CUDA provider needs CUDA 12 and its binaries: reinstall onnxruntime-node with --onnxruntime-node-install=cuda12.'
        : ep === 'webgpu'
          ? ' WebGPU needs a GPU adapter (a Vulkan driver on Linux; Mesa lavapipe works for tests).'
          : '';
    throw new Error(`onnxruntime-node could not start the '${ep}' execution provider: ${(e as Error).message}.${hint} Backends of this install: ${backends ?? 'unknown'}`);
  }
  return new OrtSessionAdapter(ort.Tensor, session);
}

/** A session over the cached optimized graph of `model`, written first when missing; a broken entry is rewritten once. */
async function createFromOptimizedCache(
  cacheDir: string,
  model: Uint8Array | string,
  ortVersion: string,
  open: (graph: string) => Promise<OrtInferenceSession>,
): Promise<OrtInferenceSession> {
  const entry = await optimizedEntryDir(cacheDir, model, ortVersion);
  const cached = cachedGraph(entry);
  if (cached) {
    try {
      return await open(cached);
    } catch {
      // A truncated or foreign entry: write it anew below.
    }
  }
  let graph: string;
  try {
    await dropEntry(entry);
    graph = await writeOptimizedEntry(entry, model);
  } catch (e) {
    throw new Error(`onnxruntime could not optimize the model into the cache folder ${cacheDir}: ${(e as Error).message}`);
  }
  return open(graph);
}

/** A network runner and what it runs on; `dispose` releases the onnxruntime session if there is one. */
export interface EngineRunner {
  engine: 'tfjs' | 'onnxruntime';
  run: NetworkRunner;
  dispose(): Promise<void>;
}

/**
 * The library form of `--engine`: a {@link NetworkRunner} for `model` on TF.js, on onnxruntime-node
 * (the model is exported with `toOnnx()` and a session opened with `options`), or `auto` =
 * onnxruntime when onnxruntime-node is installed, else TF.js. Pass `run` as the pipelines' `network`.
 */
export async function createEngineRunner(model: TaskModel, engine: EngineName = 'auto', options: OrtSessionOptions = {}): Promise<EngineRunner> {
  if (!['tfjs', 'onnxruntime', 'auto'].includes(engine)) throw new Error(`engine must be 'tfjs', 'onnxruntime' or 'auto', got '${engine}'`);
  const useOrt = engine === 'onnxruntime' || (engine === 'auto' && (await isOnnxRuntimeAvailable()));
  if (!useOrt) return { engine: 'tfjs', run: tfjsRunner(model), dispose: async () => {} };
  const session = await createOrtSession(model.toOnnx(), options);
  return { engine: 'onnxruntime', run: onnxRunner(session), dispose: () => session.release() };
}
