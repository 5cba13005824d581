import { defineConfig } from 'tsup';

export default defineConfig({
  // train-replica: what data-parallel training workers import by URL.
  entry: { index: 'src/index.ts', ops: 'src/ops.ts', 'train-replica': 'src/train/detector-replica.ts' },
  // One copy of shared modules for every entry in CJS too, so instanceof works across them.
  splitting: true,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url (locating the data-parallel train-replica entry) needs a shim in the CommonJS build.
  shims: true,
});
