import * as tf from '@tensorflow/tfjs-core';

/** Backends HRNet.js can run on. `auto` picks the fastest one that actually initialises. */
export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu' | 'webgl' | 'webgpu';

/** What {@link useBackend} ended up with. */
export interface BackendInfo {
  /** The TF.js backend in use, checked with `tf.getBackend()` after initialisation. */
  name: string;
  /** What was asked for. */
  requested: BackendName;
  /** Backends tried before this one and why each was skipped (auto mode). */
  skipped: Array<{ name: string; reason: string }>;
}

/** Thrown when a requested backend cannot be used; the message says how to install it. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Registers a backend with TF.js (imports its package); throws with an install hint if it cannot. */
export type BackendLoader = () => Promise<void>;

const INSTALL_HINTS: Record<string, string> = {
  wasm: 'install @tensorflow/tfjs-backend-wasm@4.22.0 (a dependency of @hrnetjs/core; in a browser, serve its .wasm files and pass wasmPaths)',
  cpu: 'install @tensorflow/tfjs-backend-cpu@4.22.0',
  webgl: 'install @tensorflow/tfjs-backend-webgl@4.22.0 and run in a browser with WebGL',
  webgpu: 'install @tensorflow/tfjs-backend-webgpu@4.22.0 and run where navigator.gpu exists',
  tensorflow:
    'install @tensorflow/tfjs-node@4.22.0 (its install script downloads libtensorflow 2.9.1; with pnpm run `pnpm approve-builds`)',
  'tensorflow-gpu':
    'install @tensorflow/tfjs-node-gpu@4.22.0 on Linux x64 with CUDA 11.2 + cuDNN 8.1 (its install script downloads libtensorflow 2.9.1; with pnpm run `pnpm approve-builds`)',
};

let wasmPaths: string | undefined;

const loaders = new Map<string, BackendLoader>([
  [
    'wasm',
    async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (wasmPaths) wasm.setWasmPaths(wasmPaths);
    },
  ],
  ['cpu', async () => void (await import('@tensorflow/tfjs-backend-cpu'))],
]);

/** Adds or replaces how a backend is loaded (the Node entry adds tfjs-node / tfjs-node-gpu). */
export function registerBackendLoader(name: Exclude<BackendName, 'auto'>, loader: BackendLoader): void {
  loaders.set(name, loader);
}

/** Order `auto` tries, fastest first; loaders that are not registered are skipped. */
let autoOrder: string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Sets the order `auto` tries backends in (the Node entry puts tfjs-node-gpu / tfjs-node first). */
export function setAutoOrder(order: Array<Exclude<BackendName, 'auto'>>): void {
  autoOrder = order;
}

/** tfjs-node and tfjs-node-gpu both register the TF.js backend 'tensorflow'. */
function tfBackendName(name: string): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

async function tryBackend(name: string): Promise<string | null> {
  const loader = loaders.get(name);
  try {
    if (loader) await loader();
    else if (!tf.findBackendFactory(name)) return `is not registered (${INSTALL_HINTS[name] ?? 'unknown backend'})`;
  } catch (error) {
    return `could not be loaded: ${(error as Error).message.split('\n')[0]}`;
  }
  // setBackend returns false (and TF.js silently falls back) when initialisation fails.
  const tfName = tfBackendName(name);
  const ok = await tf.setBackend(tfName).catch(() => false);
  if (!ok || tf.getBackend() !== tfName) return 'failed to initialise';
  return null;
}

/**
 * Switches TF.js to a backend and checks that it is really in use. `auto` tries the registered
 * accelerators, then wasm, then cpu. A named backend that cannot start throws a
 * {@link BackendError} that says how to install it.
 */
export async function useBackend(requested: BackendName = 'auto', options: { wasmPaths?: string } = {}): Promise<BackendInfo> {
  if (options.wasmPaths) wasmPaths = options.wasmPaths;
  const skipped: BackendInfo['skipped'] = [];
  // auto only tries what could exist here: a loader we know, or a backend the app registered.
  const candidates =
    requested === 'auto' ? autoOrder.filter((n) => loaders.has(n) || tf.findBackendFactory(n)) : [requested];
  for (const name of candidates) {
    const reason = await tryBackend(name);
    if (reason === null) return { name, requested, skipped };
    skipped.push({ name, reason });
  }
  if (requested === 'auto') {
    throw new BackendError(`no TF.js backend could start: ${skipped.map((s) => `${s.name} ${s.reason}`).join('; ')}`);
  }
  throw new BackendError(`backend '${requested}' ${skipped[0].reason}. To use it, ${INSTALL_HINTS[requested] ?? 'register it first'}.`);
}
