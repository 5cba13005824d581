import { defineConfig } from 'tsup';

export default defineConfig({
  // train-worker: the data-parallel gradient worker, started by URL beside the bundle (worker-url.ts).
  entry: { index: 'src/index.ts', node: 'src/node.ts', ops: 'src/ops.ts', 'train-worker': 'src/train/data-parallel/worker-entry.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url (used to resolve optional peers) needs a shim in the CommonJS build.
  shims: true,
  // One copy of shared modules for both entries in CJS too, so instanceof works across them.
  splitting: true,
});
