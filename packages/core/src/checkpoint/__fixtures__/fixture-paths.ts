// Test-only helper: where the shared oracle fixtures and this folder's generated fixtures live.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesDir } from '@hrnetjs/test-utils';

const here = dirname(fileURLToPath(import.meta.url));

/** Path of a file in the shared oracle fixtures (see @hrnetjs/test-utils); throws if missing. */
export function sharedFixture(relative: string): string {
  const path = resolve(fixturesDir(), relative);
  if (!existsSync(path)) throw new Error(`shared fixture missing: ${path}`);
  return path;
}

/** Path of a generated fixture committed in this folder (see gen_fixtures.py). */
export function localFixture(name: string): string {
  const path = join(here, name);
  if (!existsSync(path)) throw new Error(`generated fixture missing: ${path} (run gen_fixtures.py)`);
  return path;
}
