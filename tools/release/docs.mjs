#!/usr/bin/env node
// `pnpm run docs` (`pnpm docs` is a pnpm built-in): the TypeDoc API reference of the published packages (the four libraries and the CLI's "." entry) (typedoc.json → docs/api),
// then a report of exported symbols without TSDoc from TypeDoc's validation.notDocumented, split
// into top-level exports (functions, classes, interfaces, types, constants) and members
// (properties, methods, accessors), by package and file. Also written to docs/api/undocumented.json.
// Fails only if TypeDoc fails; `--strict` also fails on undocumented top-level exports.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, secondsSince } from './lib/workspace.mjs';

const start = performance.now();
const strict = process.argv.includes('--strict');
const result = spawnSync('pnpm', ['exec', 'typedoc', '--options', 'typedoc.json'], {
  cwd: repoRoot,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  maxBuffer: 64 * 1024 * 1024,
});
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes (ESC [ … m)
const log = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
const undocumented = parseUndocumented(log);
const otherWarnings = log.split('\n').filter((l) => /^\[(warning|error)\]/.test(l) && !l.includes('does not have any documentation') && !/Found \d+ errors/.test(l));

const outDir = join(repoRoot, 'docs', 'api');
if (result.status !== 0 || !existsSync(join(outDir, 'index.html'))) {
  console.log(log.split('\n').slice(-40).join('\n'));
  console.log(`docs: FAIL (typedoc exited with ${result.status})`);
  process.exit(1);
}
writeFileSync(join(outDir, 'undocumented.json'), `${JSON.stringify(undocumented, null, 2)}\n`);

const topLevel = undocumented.filter((u) => u.topLevel);
console.log(`docs: API reference in docs/api (${secondsSince(start)} s)`);
for (const w of otherWarnings) console.log(`  ${w}`);
console.log(`undocumented exports (validation.notDocumented): ${topLevel.length} top-level, ${undocumented.length - topLevel.length} members`);
for (const u of topLevel) console.log(`  ${u.name} (${u.kind}) — ${u.file}`);
const byOwner = new Map();
for (const u of undocumented.filter((x) => !x.topLevel)) {
  const owner = `${u.name.split('.')[0]} — ${u.file}`;
  byOwner.set(owner, [...(byOwner.get(owner) ?? []), u.name.split('.').slice(1).join('.')]);
}
for (const [owner, members] of byOwner) console.log(`  ${owner}: ${members.join(', ')}`);
if (strict && topLevel.length > 0) {
  console.log('docs: FAIL (--strict: undocumented top-level exports)');
  process.exit(1);
}
console.log('docs: PASS');

/**
 * TypeDoc lines `[warning] index.Name.member (Kind), defined in @scope/pkg/src/file.ts, does not
 * have any documentation` → {package, file, name, kind, topLevel}. The module prefix TypeDoc adds
 * for multi-entry packages (`index.`, `node.`) is dropped; a call signature is its function.
 */
function parseUndocumented(text) {
  const found = [];
  const seen = new Set();
  for (const m of text.matchAll(/^\[warning\] (\S+?)(?: \((\w+)\))?, defined in (\S+?), does not have any documentation/gm)) {
    const [, rawName, kind = 'Unknown', where] = m;
    const [, pkg, file] = /^(@[^/]+\/[^/]+)\/(.*)$/.exec(where) ?? [null, '', where];
    const name = rawName.replace(/^(index|node)\./, '');
    const key = `${pkg} ${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ package: pkg, file: `${pkg.replace('@hrnetjs/', 'packages/')}/${file}`, name, kind, topLevel: !name.includes('.') });
  }
  return found;
}
