// Test-only helpers (not exported from the package): locate and read /shared/fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '@hrnetjs/test-utils';
import { expect } from 'vitest';
import { ConfigError } from './config-error.js';

/** Text of a fixture file, by path relative to the fixtures folder. */
export function readFixtureText(relativePath: string): string {
  return readFileSync(join(fixturesDir(), relativePath), 'utf8');
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
