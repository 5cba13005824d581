/**
 * The TF.js backends the page offers: wasm (default: runs everywhere, same kernels as Node's
 * default), webgl, webgpu (only where `navigator.gpu` exists) and cpu. Switching goes through
 * core's `useBackend`, which checks that the backend really started.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerBackendLoader, useBackend } from '@hrnetjs/core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** A backend the page can run on. */
export type WebBackend = 'wasm' | 'webgl' | 'webgpu' | 'cpu';

/** The backends worth offering in this browser, default first. */
export function availableBackends(): WebBackend[] {
  const list: WebBackend[] = ['wasm', 'webgl'];
  if ('gpu' in navigator && navigator.gpu) list.push('webgpu');
  list.push('cpu');
  return list;
}

let prepared = false;

/** Loaders that tell TF.js where Vite put the wasm binaries, and lazy loaders for the GPU backends. */
function prepare(): void {
  if (prepared) return;
  prepared = true;
  registerBackendLoader('wasm', async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The page is cross-origin isolated (for onnxruntime-web's threads), which would make TF.js pick
    // its threaded build; that build's Blob worker does not survive bundling (ReferenceError in the
    // worker, the backend never starts). TF.js wasm stays single-threaded, as in Node.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // Vite hashes asset names, so each binary gets its own URL instead of a shared folder prefix.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    });
  });
  // Dynamic imports: each backend's code is only downloaded when picked.
  registerBackendLoader('webgl', async () => void (await import('@tensorflow/tfjs-backend-webgl')));
  registerBackendLoader('webgpu', async () => void (await import('@tensorflow/tfjs-backend-webgpu')));
}

/** WebGPU needs an adapter, which a browser with `navigator.gpu` may still refuse (no GPU, GPU disabled). */
async function checkWebGpuAdapter(): Promise<void> {
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (!adapter) {
    throw new Error("backend 'webgpu' cannot start: this browser has WebGPU (navigator.gpu) but gives no GPU adapter (no GPU, or GPU access is disabled); pick wasm, webgl or cpu");
  }
}

/**
 * Switches TF.js to `name` and returns the backend really active. Throws a readable error when it
 * cannot start (core's `BackendError`, or the WebGPU adapter check), after going back to the
 * backend that was active before, so the page keeps working.
 */
export async function switchBackend(name: WebBackend): Promise<string> {
  if (!availableBackends().includes(name)) {
    throw new Error(`backend '${name}' is not available in this browser; pick one of ${availableBackends().join(', ')}`);
  }
  prepare();
  const previous = tf.getBackend();
  try {
    if (name === 'webgpu') await checkWebGpuAdapter();
    return (await useBackend(name)).name;
  } catch (error) {
    // A failed initialisation can leave TF.js pointing at the broken backend.
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
    throw error;
  }
}
