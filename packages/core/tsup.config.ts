import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/ops.ts'],
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
