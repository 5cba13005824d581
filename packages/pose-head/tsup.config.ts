import { defineConfig } from 'tsup';

export default defineConfig({
  // train-replica: what data-parallel trainPose workers import by URL (train-pose.ts).
  entry: { index: 'src/index.ts', 'train-replica': 'src/train/pose-replica.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url (locating the data-parallel train-replica entry) needs a shim in the CommonJS build.
  shims: true,
});
