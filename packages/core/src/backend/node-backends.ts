import { createRequire } from 'node:module';
import { registerBackendLoader, setAutoOrder } from './backends.js';

const NODE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

/** Whether a package is installed, without importing it (importing tfjs-node has side effects). */
export function isResolvable(pkg: string, from: string = import.meta.url): boolean {
  try {
    createRequire(from).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node: teaches `useBackend` the optional peers tfjs-node-gpu and tfjs-node. `auto` tries the
 * GPU package if it is installed, else the CPU one (never both: a second import re-registers
 * every kernel), then wasm and cpu. A missing native addon ends in a skip, not a crash.
 */
export function installNodeBackends(resolvable: (pkg: string) => boolean = isResolvable): void {
  for (const [name, pkg] of Object.entries(NODE_PACKAGES)) {
    // A variable specifier keeps bundlers and tsc from resolving an optional package.
    registerBackendLoader(name as keyof typeof NODE_PACKAGES, async () => {
      const specifier: string = pkg;
      await import(specifier);
    });
  }
  const native = resolvable(NODE_PACKAGES['tensorflow-gpu'])
    ? (['tensorflow-gpu'] as const)
    : resolvable(NODE_PACKAGES.tensorflow)
      ? (['tensorflow'] as const)
      : ([] as const);
  setAutoOrder([...native, 'wasm', 'cpu']);
}
