import { defineConfig } from 'tsup';

// Node-only ESM. `main` is the `hrnet` bin (its `#!/usr/bin/env node` line is kept, and tsup makes
// the file executable); `index` is the small library the playground shares (createModel, userPath);
// `batch-worker` is the worker-thread file of the batch pool (src/batch/pool.ts loads it beside
// main.js). The @hrnetjs libraries and TF.js stay external: they are dependencies.
export default defineConfig({
  entry: { main: 'src/main.ts', index: 'src/index.ts', 'batch-worker': 'src/batch/worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
