import { type EngineName, type NetworkRunner, type OnnxSession, onnxRunner, type TaskModel } from '@hrnetjs/core';
import { createOrtSession, isOnnxRuntimeAvailable, type OrtExecutionProvider } from '@hrnetjs/core/node';
import type { DetectorModel } from '@hrnetjs/detection-head';
import { CliError } from './cli-error.js';
import type { Options } from './commands/command.js';
import { userPath } from './paths.js';

const ENGINES: EngineName[] = ['tfjs', 'onnxruntime', 'auto'];
const PROVIDERS: OrtExecutionProvider[] = ['cpu', 'webgpu', 'cuda'];

/** The `--engine`, `--ep`, `--threads` and `--ort-cache` options every network-running command takes. */
export const ENGINE_OPTIONS = {
  engine: { type: 'string' },
  ep: { type: 'string' },
  threads: { type: 'string' },
  'ort-cache': { type: 'string' },
} as const;

/** `--ort-cache <dir>`: where onnxruntime keeps graphs optimized for this CPU (see `optimizedModelCache`). */
export function ortCacheOption(options: Options): string | undefined {
  const dir = options.string('ort-cache');
  if (dir === '') throw new CliError('--ort-cache needs a folder');
  return dir === undefined ? undefined : userPath(dir);
}

/** What `--engine` resolved to, and how to open ONNX sessions with `--ep` / `--threads`. */
export interface EngineChoice {
  engine: 'tfjs' | 'onnxruntime';
  /** `--engine auto`: a network the ONNX export does not cover yet runs on tfjs instead of failing. */
  auto: boolean;
  createSession: (model: Uint8Array) => Promise<OnnxSession>;
}

/**
 * Parses `--engine tfjs|onnxruntime|auto` (default tfjs; auto = onnxruntime when onnxruntime-node is
 * installed), `--ep cpu|webgpu|cuda` and `--threads n` (ORT intra-op threads; default all cores).
 */
export async function resolveEngine(options: Options): Promise<EngineChoice> {
  const requested = (options.string('engine') ?? 'tfjs') as EngineName;
  if (!ENGINES.includes(requested)) throw new CliError(`--engine must be one of ${ENGINES.join(', ')}; got '${requested}'`);
  const ep = (options.string('ep') ?? 'cpu') as OrtExecutionProvider;
  if (!PROVIDERS.includes(ep)) throw new CliError(`--ep must be one of ${PROVIDERS.join(', ')}; got '${ep}'`);
  const threadsText = options.string('threads');
  const threads = threadsText === undefined ? undefined : Number(threadsText);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new CliError(`--threads must be a positive integer; got '${threadsText}'`);
  const engine: EngineChoice['engine'] = requested === 'auto' ? ((await isOnnxRuntimeAvailable()) ? 'onnxruntime' : 'tfjs') : requested;
  if (engine === 'onnxruntime' && requested === 'onnxruntime' && !(await isOnnxRuntimeAvailable())) {
    throw new CliError('--engine onnxruntime needs the optional dependency onnxruntime-node (npm install onnxruntime-node@1.30.0)');
  }
  const cache = ortCacheOption(options);
  if (engine === 'tfjs' && requested === 'tfjs' && (options.string('ep') !== undefined || threadsText !== undefined || cache !== undefined)) {
    throw new CliError('--ep, --threads and --ort-cache choose how onnxruntime runs: add --engine onnxruntime (or auto)');
  }
  return {
    engine,
    auto: requested === 'auto',
    createSession: (bytes) => createOrtSession(bytes, { executionProvider: ep, intraOpNumThreads: threads, optimizedModelCache: cache }),
  };
}

/** A network runner over the model's ONNX export, and the session to release afterwards. */
export async function onnxNetwork(choice: EngineChoice, model: TaskModel, intermediates = false): Promise<{ run: NetworkRunner; release: () => Promise<void> }> {
  const session = await choice.createSession(model.toOnnx({ intermediates }));
  return { run: onnxRunner(session), release: () => session.release() };
}

/**
 * Puts a detector on ORT sessions when the engine is onnxruntime (`auto` included): the features
 * graph and one per RoI head network (Faster, Mask, Cascade (Mask) R-CNN, HTC with its semantic
 * head), or FCOS's one graph. Returns the engine the detector runs on.
 */
export async function useEngineForDetector(choice: EngineChoice, detector: DetectorModel): Promise<'tfjs' | 'onnxruntime'> {
  if (choice.engine !== 'onnxruntime') return 'tfjs';
  await detector.useOnnx(choice.createSession);
  return 'onnxruntime';
}
