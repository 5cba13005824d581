#!/usr/bin/env node
// Consumer test: what a user gets from `npm install @hrnetjs/...`, checked outside the workspace.
// Builds, packs every library package, installs the four tarballs with npm into a fresh project in
// the OS temp dir, then runs an ESM script, a CommonJS script and tsc (node16 + bundler) on a typed
// example that loads the official pose_tiny checkpoint and runs a forward pass on wasm; then installs
// onnxruntime-node and runs the library's ONNX export of that network on it.
// Usage: node tools/release/consumer-test.mjs [--keep]   (--keep leaves the temp project for a look)
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll, tarballProblems } from './lib/pack.mjs';
import { buildLibraries, fixturesDir, repoRoot, run, secondsSince } from './lib/workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const keep = process.argv.includes('--keep');
// What the typed example compiles with: the workspace's TypeScript and Node types.
const TYPESCRIPT = '5.9.3';
const TYPES_NODE = '20.19.25';

const results = [];
async function step(name, body) {
  const start = performance.now();
  try {
    const detail = await body();
    results.push({ name, ok: true, detail: `${detail ?? ''} (${secondsSince(start)} s)`.trim() });
  } catch (error) {
    results.push({ name, ok: false, detail: error.message });
  }
  return results.at(-1).ok;
}

const work = mkdtempSync(join(tmpdir(), 'hrnetjs-consumer-'));
if (!relative(repoRoot, work).startsWith('..')) throw new Error(`temp dir ${work} is inside the workspace`);
const project = join(work, 'project');
const env = { ...process.env, HRNET_FIXTURES: fixturesDir() };
let packed = [];

const ok =
  (await step('build', () => buildLibraries())) &&
  (await step('pack', () => {
    packed = packAll(join(work, 'tarballs'));
    return packed.map((p) => `${p.name} ${p.files.length} files`).join(', ');
  })) &&
  (await step('tarball contents', () => {
    const problems = packed.flatMap(tarballProblems);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return 'dist + README shipped; no src/tests; entry points present; no workspace: ranges or source condition';
  })) &&
  (await step('npm install of the tarballs', () => {
    writeConsumerProject();
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env });
    return checkInstalledTree();
  }));

if (ok) {
  await step('ESM script', () => run('node', ['esm-usage.mjs'], { cwd: project, env }).trim());
  await step('CommonJS script', () => run('node', ['cjs-usage.cjs'], { cwd: project, env }).trim());
  // onnxruntime-node is an optional peer: install it as a user would, its NuGet download skipped.
  await step('ONNX export loads in onnxruntime-node', () => {
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'onnxruntime-node@1.30.0'], {
      cwd: project,
      env: { ...env, npm_config_onnxruntime_node_install: 'skip' },
    });
    return run('node', ['onnx-usage.mjs'], { cwd: project, env }).trim();
  });
  for (const mode of ['node16', 'bundler']) {
    await step(`tsc --noEmit (moduleResolution ${mode})`, () => {
      run('npx', ['--no-install', 'tsc', '-p', `tsconfig.${mode}.json`], { cwd: project, env });
      return `TypeScript ${TYPESCRIPT}`;
    });
  }
}

const failed = results.filter((r) => !r.ok);
console.log('\nconsumer test (packed tarballs installed with npm outside the workspace)');
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.detail ? `: ${r.detail.split('\n').join('\n        ')}` : ''}`);
if (keep) console.log(`  temp project kept in ${project}`);
else rmSync(work, { recursive: true, force: true });
console.log(failed.length === 0 ? 'consumer test: PASS' : `consumer test: FAIL (${failed.length} step(s))`);
process.exit(failed.length === 0 ? 0 : 1);

/** A fresh npm project depending on the tarballs only (plus the compiler for the typed example). */
function writeConsumerProject() {
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${relative(project, p.tarball)}`]));
  const manifest = {
    name: 'hrnetjs-consumer',
    private: true,
    description: 'temporary project of tools/release/consumer-test.mjs',
    dependencies,
    devDependencies: { typescript: TYPESCRIPT, '@types/node': TYPES_NODE },
  };
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of ['esm-usage.mjs', 'cjs-usage.cjs', 'onnx-usage.mjs', 'typed-usage.ts', 'tsconfig.node16.json', 'tsconfig.bundler.json']) {
    copyFileSync(join(here, 'consumer', file), join(project, file));
  }
  // The project has no "type", so typed-usage.ts is CommonJS under node16; the .mts copy checks
  // the ESM side (import conditions → index.d.ts) in the same run.
  copyFileSync(join(here, 'consumer', 'typed-usage.ts'), join(project, 'typed-usage.mts'));
}

/**
 * The installed tree must be what a user gets: our packages from the tarballs (one copy of
 * @hrnetjs/core, never one fetched from the registry), the declared dependencies, and none of the
 * optional peers (tfjs-node downloads libtensorflow at install time).
 */
function checkInstalledTree() {
  const modules = join(project, 'node_modules');
  const problems = [];
  for (const p of packed) {
    const installed = join(modules, p.name, 'package.json');
    if (!existsSync(installed)) problems.push(`${p.name} is not installed`);
    else if (JSON.parse(readFileSync(installed, 'utf8')).version !== p.manifest.version) problems.push(`${p.name} has another version than the tarball`);
    if (p.name !== '@hrnetjs/core' && existsSync(join(modules, p.name, 'node_modules', '@hrnetjs', 'core'))) {
      problems.push(`${p.name} got its own copy of @hrnetjs/core`);
    }
  }
  for (const dep of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'yaml', 'fast-png', 'jpeg-js']) {
    if (!existsSync(join(modules, dep, 'package.json'))) problems.push(`dependency ${dep} was not installed`);
  }
  for (const peer of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs', 'onnxruntime-node']) {
    if (existsSync(join(modules, peer))) problems.push(`optional peer ${peer} was installed`);
  }
  const coreVersions = JSON.stringify(JSON.parse(run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--json'], { cwd: project })));
  const tfVersions = new Set([...coreVersions.matchAll(/"@tensorflow\/tfjs-core":\{"version":"([^"]+)"/g)].map((m) => m[1]));
  if (tfVersions.size !== 1) problems.push(`@tensorflow/tfjs-core resolved to ${[...tfVersions].join(', ') || 'nothing'}: one version expected`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return `one @hrnetjs/core, tfjs-core ${[...tfVersions][0]}, no tfjs-node / tfjs-node-gpu / tfjs / onnxruntime-node`;
}
