/**
 * Vite config of the web playground (`pnpm web`, `pnpm --filter @hrnetjs/playground web:build`).
 * The workspace packages resolve to their TypeScript sources through the `source` export
 * condition, so the page needs no build of the packages. Samples, demo weights and the wasm
 * binaries are imported with `?url` in the page's code, so Vite serves them in dev and emits them
 * as assets in a build.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built folder works wherever it is served from.
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    target: 'es2022',
    // Weights and samples stay separate files: fetched with progress, never inlined as data URLs.
    assetsInlineLimit: 0,
    // The TF.js backends make a large but expected bundle.
    chunkSizeWarningLimit: 4096,
  },
});
