#!/usr/bin/env node
// Browser safety and size budget of every library package's browser entry (the "." export, built).
// For each package two esbuild bundles (platform browser, ESM, minified):
// - total: everything bundled, TF.js included. No Node built-in may be reachable from it, through
//   our code or a dependency (a package's `browser` field may stub one out: that counts as safe),
//   because a user's browser bundle would break either way.
// - self: every npm package external: the package's own code, where Node globals (Buffer,
//   process, require, __dirname) must not appear either.
// Sizes (minified and gzip bytes) are written to tools/release/bundle-sizes.json; a package over its
// gzip budget fails. `--set-budgets` sets each budget to 1.25 × today's size (after a reviewed change).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from './lib/browser-bundle.mjs';
import { buildLibraries, isNodeOnly, libraryPackages, secondsSince } from './lib/workspace.mjs';

const start = performance.now();
const sizesFile = join(dirname(fileURLToPath(import.meta.url)), 'bundle-sizes.json');
const setBudgets = process.argv.includes('--set-budgets');
const previous = JSON.parse(readFileSync(sizesFile, 'utf8'));
const HEADROOM = 1.25;

buildLibraries();
const failures = [];
const packages = {};
for (const pkg of libraryPackages()) {
  if (isNodeOnly(pkg)) {
    // The CLI is Node-only by design (file system, process); it must not claim a browser entry.
    if (pkg.manifest.browser || JSON.stringify(pkg.manifest.exports ?? {}).includes('"browser"')) {
      failures.push(`${pkg.name}: Node-only (has a bin) but declares a browser entry`);
    }
    console.log(`  ${pkg.name.padEnd(24)} Node-only CLI (bin ${Object.keys(pkg.manifest.bin).join(', ')}): not bundled for the browser`);
    continue;
  }
  const entry = pkg.manifest.exports?.['.']?.import?.default;
  if (!entry) {
    failures.push(`${pkg.name}: no exports["."].import.default to bundle`);
    continue;
  }
  const file = join(pkg.dir, entry);
  const total = await bundleForBrowser(file, { cwd: pkg.dir });
  const self = await bundleForBrowser(file, { cwd: pkg.dir, packagesExternal: true });
  for (const b of total.builtins) {
    failures.push(`${pkg.name}: Node built-in '${b.builtin}' is reachable from the browser entry:\n      ${b.chain.join('\n      → ')}\n      → ${b.builtin}`);
  }
  for (const g of self.nodeGlobals) failures.push(`${pkg.name}: Node global '${g.name}' in the browser entry's own code: …${g.context}…`);

  const old = previous.packages?.[pkg.name]?.budget;
  const budget = setBudgets || !old
    ? { selfGzip: Math.ceil((self.gzip * HEADROOM) / 1024) * 1024, totalGzip: Math.ceil((total.gzip * HEADROOM) / 1024) * 1024 }
    : old;
  if (!old && !setBudgets) failures.push(`${pkg.name}: no budget in bundle-sizes.json yet (run with --set-budgets)`);
  if (self.gzip > budget.selfGzip) failures.push(`${pkg.name}: own code ${self.gzip} B gzip exceeds its budget ${budget.selfGzip} B`);
  if (total.gzip > budget.totalGzip) failures.push(`${pkg.name}: full bundle ${total.gzip} B gzip exceeds its budget ${budget.totalGzip} B`);
  packages[pkg.name] = {
    entry,
    self: { minified: self.minified, gzip: self.gzip },
    total: { minified: total.minified, gzip: total.gzip, modules: total.inputs },
    budget,
  };
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `  ${pkg.name.padEnd(24)} own ${kb(self.minified)} min / ${kb(self.gzip)} gz (budget ${kb(budget.selfGzip)})  ` +
      `with deps ${kb(total.minified)} min / ${kb(total.gzip)} gz (budget ${kb(budget.totalGzip)}), ${total.inputs} modules, ` +
      `${total.builtins.length} Node built-ins`,
  );
}

const record = {
  $comment: 'Written by tools/release/browser-check.mjs (pnpm test:browser-bundle): esbuild platform=browser, ESM, minified; bytes. self = own code with every npm package external; total = everything bundled, TF.js included. budget = gzip limits (1.25 × size when set with --set-budgets).',
  esbuild: (await import('esbuild')).version,
  packages,
};
writeFileSync(sizesFile, `${JSON.stringify(record, null, 2)}\n`);
for (const f of failures) console.log(`  FAIL  ${f}`);
console.log(failures.length === 0 ? `browser bundle check: PASS (${secondsSince(start)} s)` : `browser bundle check: FAIL (${failures.length})`);
process.exit(failures.length === 0 ? 0 : 1);
