// Tests of the tarball checks (node --test): each broken manifest or file list is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportConditions, exportTargets, tarballProblems } from '../lib/pack.mjs';

const exportsMap = {
  '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } },
  './package.json': './package.json',
};
const good = () => ({
  name: '@x/pkg',
  files: ['README.md', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json'],
  manifest: {
    name: '@x/pkg',
    version: '1.2.3',
    license: 'MIT',
    sideEffects: false,
    engines: { node: '>=20' },
    main: './dist/index.cjs',
    types: './dist/index.d.ts',
    exports: exportsMap,
    dependencies: { '@x/core': '^1.2.0' },
    peerDependencies: { '@tensorflow/tfjs-node': '4.22.0' },
    peerDependenciesMeta: { '@tensorflow/tfjs-node': { optional: true } },
  },
});

test('exportTargets and exportConditions read nested conditions', () => {
  assert.deepEqual(exportTargets(exportsMap), ['./dist/index.d.ts', './dist/index.js', './dist/index.d.cts', './dist/index.cjs', './package.json']);
  assert.deepEqual(exportConditions({ '.': { source: './src/index.ts', ...exportsMap['.'] } }), ['source', 'import', 'types', 'default', 'require', 'types', 'default']);
});

test('a well-formed tarball has no problems', () => {
  assert.deepEqual(tarballProblems(good()), []);
});

test('shipped sources, tests and fixtures are reported, and a missing README or dist', () => {
  const pkg = good();
  pkg.files = ['package.json', 'src/index.ts', 'src/a.test.ts', 'src/__fixtures__/x.json'];
  const problems = tarballProblems(pkg).join('\n');
  assert.match(problems, /no dist\/ files/);
  assert.match(problems, /README\.md is not in the tarball/);
  assert.match(problems, /ships files users must not get: src\/index\.ts, src\/a\.test\.ts, src\/__fixtures__\/x\.json/);
  assert.match(problems, /entry point dist\/index\.d\.cts is not in the tarball/);
});

test('a leftover source condition, workspace: range and bad metadata are reported', () => {
  const pkg = good();
  pkg.manifest.exports = { '.': { source: './src/index.ts', ...exportsMap['.'] } };
  pkg.manifest.dependencies['@x/core'] = 'workspace:^';
  pkg.manifest.sideEffects = true;
  delete pkg.manifest.engines;
  pkg.manifest.peerDependenciesMeta = {};
  const problems = tarballProblems(pkg);
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.match(problems.join('\n'), /keep the "source" condition/);
  assert.match(problems.join('\n'), /dependencies\.@x\/core is still "workspace:\^"/);
  assert.match(problems.join('\n'), /sideEffects should be false/);
  assert.match(problems.join('\n'), /engines\.node is missing/);
  assert.match(problems.join('\n'), /peer @tensorflow\/tfjs-node must be optional/);
  assert.match(problems.join('\n'), /entry point src\/index\.ts is not in the tarball/);
});

test('published exports that drifted from the workspace map are reported', () => {
  const pkg = good();
  pkg.workspaceManifest = { exports: { '.': { source: './src/index.ts', ...exportsMap['.'] }, ...exportsMap } };
  assert.deepEqual(tarballProblems(pkg), []); // same map once "source" is dropped
  pkg.workspaceManifest.exports['./node'] = { source: './src/node.ts', import: './dist/node.js' };
  assert.match(tarballProblems(pkg).join('\n'), /published exports differ from the workspace exports/);
});

test('a CLI bin target must be in the tarball, and onnxruntime-node must be an optional peer', () => {
  const pkg = good();
  pkg.manifest.bin = { hrnet: './dist/main.js' };
  pkg.manifest.peerDependencies['onnxruntime-node'] = '^1.30.0';
  pkg.manifest.peerDependenciesMeta['onnxruntime-node'] = { optional: true };
  assert.match(tarballProblems(pkg).join('\n'), /^@x\/pkg: entry point dist\/main\.js is not in the tarball$/);
  pkg.files.push('dist/main.js');
  assert.deepEqual(tarballProblems(pkg), []);
  delete pkg.manifest.peerDependenciesMeta['onnxruntime-node'];
  assert.match(tarballProblems(pkg).join('\n'), /peer onnxruntime-node must be optional/);
});
