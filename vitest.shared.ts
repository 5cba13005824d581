// Shared by every package's vitest.config.ts: resolve workspace packages to their TypeScript sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    // CLI tests spawn whole pipelines; on 2 busy cores the slowest take minutes.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
