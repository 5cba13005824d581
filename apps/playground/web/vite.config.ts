/**
 * Vite config of the web playground (`pnpm web`, `pnpm --filter @hrnetjs/playground web:build`).
 * The workspace packages resolve to their TypeScript sources through the `source` export
 * condition, so the page needs no build of the packages. Samples, demo weights and the wasm
 * binaries (TF.js's and onnxruntime-web's) are imported with `?url` in the page's code, so Vite
 * serves them in dev and emits them as assets in a build: nothing is fetched from a CDN.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Cross-origin isolation: SharedArrayBuffer, which onnxruntime-web's (and TF.js's) WebAssembly
 * threads need. Every file the page loads is its own origin's, so `require-corp` blocks nothing.
 * A static host serving `dist` must send the same two headers for threads.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built folder works wherever it is served from.
  base: './',
  resolve: {
    // onnxruntime-web-use-extern-wasm: onnxruntime-web's build that loads its runtime (.mjs + .wasm)
    // from `ort.env.wasm.wasmPaths` (set to Vite's asset URLs in src/engines.ts) instead of
    // inlining it; the runtime .mjs is also the script of its thread workers.
    conditions: ['source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  // Pre-bundling would move onnxruntime-web away from the files it loads by URL.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    // Weights and samples stay separate files: fetched with progress, never inlined as data URLs.
    assetsInlineLimit: 0,
    // The TF.js backends make a large but expected bundle.
    chunkSizeWarningLimit: 4096,
  },
});
