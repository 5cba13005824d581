#!/usr/bin/env node
// Dry-run publish of every library package: `npm publish --dry-run` on the tarball that pnpm packs
// (pnpm rewrites workspace: ranges and applies publishConfig.exports; `changeset publish` publishes
// with pnpm for the same reason, so running npm in the package folder would check the wrong file).
// Then `changeset version` on a scratch copy (CHANGELOGs, versions). Builds first through turbo
// (cached). Nothing is uploaded and the repository is not modified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changesetVersionDryRun } from './lib/changeset-dry-run.mjs';
import { packAll, tarballProblems } from './lib/pack.mjs';
import { buildLibraries, run, secondsSince } from './lib/workspace.mjs';

const start = performance.now();
buildLibraries();
const work = mkdtempSync(join(tmpdir(), 'hrnetjs-publish-'));
const failures = [];
try {
  for (const pkg of packAll(work)) {
    failures.push(...tarballProblems(pkg));
    try {
      const out = run('npm', ['publish', '--dry-run', '--access', 'public', pkg.tarball], { cwd: work });
      const summary = `${out}`.split('\n').find((l) => /\+ @hrnetjs\//.test(l)) ?? '';
      console.log(`  PASS  npm publish --dry-run ${pkg.name}@${pkg.manifest.version} (${pkg.files.length} files) ${summary.trim()}`);
    } catch (error) {
      console.log(`  FAIL  npm publish --dry-run ${pkg.name}\n${error.message}`);
      failures.push(`npm publish --dry-run ${pkg.name}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
// The versioning half of the flow, on a scratch copy: CHANGELOGs and versions as planned.
const { releases, problems } = changesetVersionDryRun();
failures.push(...problems);
console.log(
  releases.length === 0
    ? '  PASS  changeset version (scratch copy): no pending changesets'
    : `  ${problems.length === 0 ? 'PASS' : 'FAIL'}  changeset version (scratch copy): ${releases.map((r) => `${r.name} ${r.oldVersion} → ${r.newVersion} (${r.type})`).join(', ')}; CHANGELOG.md written for each`,
);
for (const f of failures) console.log(`  FAIL  ${f}`);
console.log(failures.length === 0 ? `release:dry: PASS (${secondsSince(start)} s)` : `release:dry: FAIL (${failures.length})`);
process.exit(failures.length === 0 ? 0 : 1);
