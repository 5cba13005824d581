/**
 * @hrnetjs/core/node — Node-only helpers: reading checkpoints and .npy files from disk, and the
 * optional tfjs-node / tfjs-node-gpu backends.
 */
import { type BackendInfo, type BackendName, useBackend as useBrowserSafeBackend } from './backend/backends.js';
import { installNodeBackends } from './backend/node-backends.js';

let nodeBackendsInstalled = false;

/**
 * Node version of `useBackend`: also knows tfjs-node-gpu and tfjs-node (optional peers), which
 * `auto` prefers when installed, falling back to wasm and then cpu.
 */
export async function useBackend(requested: BackendName = 'auto', options: { wasmPaths?: string } = {}): Promise<BackendInfo> {
  if (!nodeBackendsInstalled) {
    installNodeBackends();
    nodeBackendsInstalled = true;
  }
  return useBrowserSafeBackend(requested, options);
}

export { installNodeBackends, isResolvable } from './backend/node-backends.js';
export * from './node/index.js';
