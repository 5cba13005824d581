import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by vitest.shared.ts: the fixtures folder and the test files left out because it is missing. */
    sharedFixtures: { dir: string; skipped: string[] };
  }
}

/**
 * Reports the oracle-fixture tests of a package: with `../shared/fixtures` (or `$HRNET_FIXTURES`)
 * present they run as usual and this checks the folder is there; without it (a clone of the public
 * repository alone) each of their files shows up as a skipped test naming the missing folder. In CI
 * a missing folder fails the run earlier (vitest.shared.ts).
 */
export function reportSharedFixtures(): void {
  const { dir, skipped } = inject('sharedFixtures');
  describe('parity tests on the official oracle fixtures (../shared/fixtures)', () => {
    if (skipped.length === 0) {
      it(`run against ${dir}`, () => {
        expect(existsSync(dir)).toBe(true);
      });
    }
    for (const file of skipped) {
      it.skip(`${file}: skipped, the oracle fixtures folder ${dir} is missing (put shared/ beside the repository or set HRNET_FIXTURES)`, () => {});
    }
  });
}
