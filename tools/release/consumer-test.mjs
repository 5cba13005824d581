#!/usr/bin/env node
// Consumer test: what a user gets from `npm install @hrnetjs/...`, checked outside the workspace.
// Builds, packs every library package, installs the four tarballs with npm into a fresh project in
// the OS temp dir, then runs an ESM script, a CommonJS script and tsc (node16 + bundler) on a typed
// example that loads the official pose_tiny checkpoint and runs a forward pass on wasm. The packed
// CLI (@hrnetjs/cli) is installed with them: `npx hrnet` runs its built bin (no tsx, no workspace)
// on the fixtures' tiny checkpoints, and its outputs must equal the repository CLI's exactly. The
// README's Usage snippets (checkpoint path + image path → result) run with the same checkpoints.
// Then it installs onnxruntime-node and runs the library's ONNX export of that network on it.
// Usage: node tools/release/consumer-test.mjs [--keep]   (--keep leaves the temp project for a look)
import { deepStrictEqual } from 'node:assert/strict';
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
    const fixtures = env.HRNET_FIXTURES;
    const userEnv = { ...env };
    delete userEnv.INIT_CWD; // the bin resolves relative paths against the user's directory
    run('npx', ['--no-install', 'hrnet', 'convert', join(fixtures, 'pose', 'pose_tiny.pth'), '--config', join(fixtures, 'pose', 'pose_tiny_config.json'), '--to', 'onnx', '--out', 'cli-pose.onnx'], { cwd: project, env: userEnv });
    return run('node', ['onnx-usage.mjs', 'cli-pose.onnx'], { cwd: project, env }).trim();
  });
  for (const mode of ['node16', 'bundler']) {
    await step(`tsc --noEmit (moduleResolution ${mode})`, () => {
      run('npx', ['--no-install', 'tsc', '-p', `tsconfig.${mode}.json`], { cwd: project, env });
      return `TypeScript ${TYPESCRIPT}`;
    });
  }
  await cliChecks();
  await step('README usage snippets', () => runUsageSnippets());
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
  for (const file of ['esm-usage.mjs', 'cjs-usage.cjs', 'onnx-usage.mjs', 'typed-usage.ts', 'tsconfig.node16.json', 'tsconfig.bundler.json', 'usage-setup.mjs']) {
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
  for (const peer of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs', 'onnxruntime-node', 'onnxruntime-web']) {
    if (existsSync(join(modules, peer))) problems.push(`optional peer ${peer} was installed`);
  }
  const coreVersions = JSON.stringify(JSON.parse(run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--json'], { cwd: project })));
  const tfVersions = new Set([...coreVersions.matchAll(/"@tensorflow\/tfjs-core":\{"version":"([^"]+)"/g)].map((m) => m[1]));
  if (tfVersions.size !== 1) problems.push(`@tensorflow/tfjs-core resolved to ${[...tfVersions].join(', ') || 'nothing'}: one version expected`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return `one @hrnetjs/core, tfjs-core ${[...tfVersions][0]}, no tfjs-node / tfjs-node-gpu / tfjs / onnxruntime-node / onnxruntime-web`;
}

/**
 * The published CLI, as a user outside the repository runs it: `npx hrnet` in the consumer project
 * (the built bin from the tarball, with a shell's environment: no pnpm INIT_CWD, relative output
 * paths), against `pnpm hrnet` in the repository (the TypeScript sources through tsx) with the same
 * arguments. Same code, same TF.js wasm backend, same inputs: the JSON must be identical.
 */
async function cliChecks() {
  const cli = packed.find((p) => p.name === '@hrnetjs/cli');
  if (!(await step('CLI tarball', () => {
    if (!cli) throw new Error('@hrnetjs/cli was not packed (packages/cli missing or private?)');
    const bin = join(project, 'node_modules', '@hrnetjs', 'cli', cli.manifest.bin.hrnet);
    const firstLine = readFileSync(bin, 'utf8').split('\n')[0];
    if (firstLine !== '#!/usr/bin/env node') throw new Error(`${bin} starts with '${firstLine}', not the node shebang`);
    if (existsSync(join(project, 'node_modules', 'tsx'))) throw new Error('tsx was installed: the published bin must run as plain JavaScript');
    return `bin hrnet → ${cli.manifest.bin.hrnet} (node shebang), no tsx installed`;
  }))) return;

  const { HRNET_FIXTURES: fixtures } = env;
  const userEnv = { ...env };
  delete userEnv.INIT_CWD;
  const npx = (args) => run('npx', ['--no-install', 'hrnet', ...args], { cwd: project, env: userEnv });
  const repo = (args) => run('pnpm', ['hrnet', ...args], { cwd: repoRoot, env });

  await step('npx hrnet --version', () => {
    const version = npx(['--version']).trim();
    if (version !== cli.manifest.version) throw new Error(`printed '${version}', the tarball is ${cli.manifest.version}`);
    const help = npx(['pose', '--help']);
    if (!help.startsWith('usage: hrnet pose')) throw new Error(`hrnet pose --help printed:\n${help}`);
    return `${version}; hrnet pose --help prints its usage`;
  });

  await step('npx hrnet inspect = repository CLI', () => {
    const args = ['inspect', join(fixtures, 'pose', 'pose_tiny.pth'), '--json'];
    const published = JSON.parse(npx(args));
    deepStrictEqual(published, JSON.parse(repo(args)));
    return `identical JSON (${published.tensors} tensors, ${published.architecture.summary})`;
  });

  // Each run writes --json relative to the user's directory; the repository run writes to an absolute path.
  const runs = [
    ['pose', [join(fixtures, 'pose', 'image.png'), '--weights', join(fixtures, 'pose', 'pose_tiny.pth')], (o) => `${o.poses.length} pose(s), ${o.poses[0].keypoints.length} keypoints`],
    [
      'detect',
      [
        join(fixtures, 'det_pipeline', 'image.png'),
        ...['--weights', join(fixtures, 'det', 'det_tiny.pth'), '--weights', join(fixtures, 'det', 'faster_rcnn_tiny_heads.pth')],
        ...['--config', join(fixtures, 'det', 'faster_rcnn_tiny_full_config.json')],
      ],
      (o) => `${o.detections.length} detections`,
    ],
  ];
  for (const [command, args, summary] of runs) {
    await step(`npx hrnet ${command} --json = repository CLI`, () => {
      const common = [command, ...args, '--backend', 'wasm', '--json'];
      npx([...common, `${command}.json`]);
      const expectedFile = join(work, `repo-${command}.json`);
      repo([...common, expectedFile]);
      const published = JSON.parse(readFileSync(join(project, `${command}.json`), 'utf8'));
      deepStrictEqual(published, JSON.parse(readFileSync(expectedFile, 'utf8')));
      return `identical JSON, exact equality (${summary(published)})`;
    });
  }
}

/**
 * The README's Usage snippets, exactly as written, with the published names of the official files
 * swapped for the fixtures' tiny official checkpoints and images (the tiny detector is no preset,
 * so it comes with its mmdet dict; its random weights find no person, so class 24 stands in).
 */
function runUsageSnippets() {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const blocks = Object.fromEntries([...readme.matchAll(/<!-- usage:([\w-]+) -->\n```js\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]));
  const f = fixturesDir();
  const q = (...parts) => JSON.stringify(join(f, ...parts));
  run('node', ['usage-setup.mjs'], { cwd: project, env });
  const swaps = [
    ["'pose_hrnet_w32_256x192.pth'", q('pose', 'pose_tiny.pth')],
    ["'faster_rcnn_hrnetv2p_w32_2x_coco.pth'", `{ weights: 'det_tiny_full.safetensors', config: ${q('det', 'faster_rcnn_tiny_full_config.json')} }`],
    ["'hrnet_w48_cityscapes_cls19_1024x2048_trainset.pth'", q('seg', 'seg_tiny.pth')],
    ['{ detector }', '{ detector, personClass: 24 }'],
    ["'person.jpg'", q('pose', 'image.png')],
    ["'people.jpg'", q('det_pipeline', 'image.png')],
    ["'street.jpg'", q('det_pipeline', 'image.png')],
    ["'street.png'", q('seg_pipeline', 'image.png')],
  ];
  const BOX = "Object.keys(b).slice(0, 4).join() === 'xmin,ymin,xmax,ymax'";
  const checks = {
    pose: `const b = poses[0]?.box; if (poses.length !== 1 || !(${BOX}) || poses[0].keypoints.length !== 17) throw new Error('pose: ' + JSON.stringify(poses).slice(0, 300));\nconsole.log(\`pose \${poses[0].keypoints.length} keypoints\`);`,
    detect: `const b = detections[0]?.box; if (!detections.length || !(${BOX}) || typeof detections[0].label !== 'string') throw new Error('detect: ' + JSON.stringify(detections).slice(0, 300));\nconsole.log(\`detect \${detections.length} boxes\`);`,
    'multi-person': `const b = poses[0]?.box; if (!poses.length || !(${BOX}) || typeof b.score !== 'number') throw new Error('multi-person: ' + JSON.stringify(poses).slice(0, 300));\nconsole.log(\`multi-person \${poses.length} people\`);`,
    segment: `if (labels.length !== width * height || classes.length !== 19) throw new Error(\`segment: \${labels.length} labels for \${width}×\${height}, \${classes.length} classes\`);\nconsole.log(\`segment \${width}×\${height}\`);`,
  };
  const out = [];
  for (const [task, check] of Object.entries(checks)) {
    if (!blocks[task]) throw new Error(`README.md has no <!-- usage:${task} --> js block`);
    let code = blocks[task];
    for (const [from, to] of swaps) code = code.split(from).join(to);
    writeFileSync(join(project, `usage-${task}.mjs`), `${code}\n${check}\n`);
    out.push(run('node', [`usage-${task}.mjs`], { cwd: project, env }).trim());
  }
  return out.join('; ');
}
