// Test-only helpers (not exported from the package): locate and read /shared/fixtures.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ConfigError } from './config-error.js';

/**
 * `<repo root>/../shared/fixtures`, repo root = the nearest folder above this file holding
 * pnpm-workspace.yaml. Throws (never skips) when it is missing: these tests pin the presets to the
 * official configs and must not pass silently without them.
 */
export function sharedFixturesDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}; cannot locate the repo root`);
    dir = parent;
  }
  const fixtures = resolve(dir, '..', 'shared', 'fixtures');
  if (!existsSync(fixtures)) throw new Error(`shared fixtures missing: expected ${fixtures} (<repo root>/../shared/fixtures)`);
  return fixtures;
}

/** Text of a fixture file, by path relative to the fixtures folder. */
export function readFixtureText(relativePath: string): string {
  return readFileSync(join(sharedFixturesDir(), relativePath), 'utf8');
}

/** Every field of a `manifest_*.json` except the (large) state_dict listing. */
export function readManifestHeader(relativePath: string): Record<string, unknown> {
  const { state_dict: _ignored, ...header } = JSON.parse(readFixtureText(relativePath)) as Record<string, unknown>;
  return header;
}

/** Asserts that `fn` throws a ConfigError whose message contains every fragment. */
export function expectConfigError(fn: () => unknown, ...fragments: string[]): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a ConfigError').toBeInstanceOf(ConfigError);
  const message = (caught as ConfigError).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  return caught as ConfigError;
}
