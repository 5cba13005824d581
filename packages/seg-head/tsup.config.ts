import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/ops.ts'],
  // One copy of shared modules for both entries in CJS too, so instanceof works across them.
  splitting: true,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
