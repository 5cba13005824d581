import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('test-utils: could not find the repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

/**
 * The oracle fixtures made by the official PyTorch code: `$HRNET_FIXTURES`, else `shared/fixtures`
 * beside the repository (where CI puts it). Missing fixtures fail the test: parity is never skipped.
 */
export function fixturesDir(): string {
  const dir = process.env.HRNET_FIXTURES ?? resolve(repoRoot(), '..', 'shared', 'fixtures');
  if (!existsSync(dir)) {
    throw new Error(`oracle fixtures not found at ${dir}: put shared/ beside the repository or set HRNET_FIXTURES`);
  }
  return dir;
}

/** Path of one fixture file, e.g. `fixturePath('pose', 'heatmaps.npy')`; throws if it is missing. */
export function fixturePath(group: string, file: string): string {
  const path = join(fixturesDir(), group, file);
  if (!existsSync(path)) throw new Error(`fixture missing: ${path}`);
  return path;
}

/** The repository root (folder holding pnpm-workspace.yaml). */
export { repoRoot };
