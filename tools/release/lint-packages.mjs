#!/usr/bin/env node
// publint and are-the-types-wrong on every packed library tarball (what the registry would get).
// Fails on any publint error or warning (--strict) and on any attw problem in any resolution mode
// (node10, node16 from CJS and from ESM, bundler; the Node-only ESM CLI with attw's esm-only profile:
// node16 ESM and bundler). Builds first through turbo (cached).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, tarballProblems } from './lib/pack.mjs';
import { buildLibraries, isNodeOnly, repoRoot, run, secondsSince } from './lib/workspace.mjs';

const start = performance.now();
buildLibraries();
const work = mkdtempSync(join(tmpdir(), 'hrnetjs-lint-'));
const failures = [];
try {
  for (const pkg of packAll(work)) {
    for (const problem of tarballProblems(pkg)) failures.push(problem);
    for (const [tool, args] of [
      ['publint', ['exec', 'publint', 'run', '--strict', pkg.tarball]],
      ['attw', ['exec', 'attw', '--format', 'ascii', '--no-color', '--no-emoji', ...(isNodeOnly(pkg) ? ['--profile', 'esm-only'] : []), pkg.tarball]],
    ]) {
      try {
        run('pnpm', args, { cwd: repoRoot });
        console.log(`  PASS  ${tool} ${pkg.name}`);
      } catch (error) {
        console.log(`  FAIL  ${tool} ${pkg.name}\n${error.message}`);
        failures.push(`${tool} ${pkg.name}`);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const f of failures) console.log(`  FAIL  ${f}`);
console.log(failures.length === 0 ? `lint:packages: PASS (${secondsSince(start)} s)` : `lint:packages: FAIL (${failures.length})`);
process.exit(failures.length === 0 ? 0 : 1);
