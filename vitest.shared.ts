// Shared by every package's vitest.config.ts: resolve workspace packages to their TypeScript sources,
// and decide what happens to the tests that read the official oracle fixtures (../shared/fixtures).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const repoRoot = dirname(fileURLToPath(import.meta.url));
/** Where the fixtures are looked for: `$HRNET_FIXTURES`, else `shared/fixtures` beside the repository. */
const fixturesDir = process.env.HRNET_FIXTURES ?? resolve(repoRoot, '..', 'shared', 'fixtures');
/** Calls that read ../shared/fixtures (tools/test-utils and the packages' fixture helpers). */
const USES_SHARED = /\b(fixturePath|fixturesDir|sharedFixture|readFixtureText|readManifestHeader)\s*\(/;

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** This package's test files that read the shared fixtures (relative to the package root). */
function filesNeedingFixtures(packageRoot: string): string[] {
  return ['src', 'web']
    .flatMap((d) => testFiles(join(packageRoot, d)))
    .filter((f) => USES_SHARED.test(readFileSync(f, 'utf8')))
    .map((f) => relative(packageRoot, f));
}

const missing = !existsSync(fixturesDir);
if (missing && process.env.CI === 'true') {
  // CI must run every parity test: a missing folder fails the run instead of skipping them.
  throw new Error(`oracle fixtures not found at ${fixturesDir}: CI runs the parity tests against them (put shared/ beside the repository or set HRNET_FIXTURES)`);
}
const skipped = missing ? filesNeedingFixtures(process.cwd()) : [];

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    // Without the fixtures their tests are left out here and listed as skipped by
    // src/shared-fixtures.test.ts (see @hrnetjs/test-utils reportSharedFixtures).
    exclude: [...configDefaults.exclude, ...skipped],
    provide: { sharedFixtures: { dir: fixturesDir, skipped } },
    // CLI tests spawn whole pipelines; on 2 busy cores the slowest take minutes.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
