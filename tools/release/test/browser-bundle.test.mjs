// Tests of the browser-bundle helpers on small fixture packages (node --test).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, importChain, isNodeBuiltin, nodeGlobalUses } from '../lib/browser-bundle.mjs';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

test('isNodeBuiltin knows bare, subpath and node: built-ins, not npm packages', () => {
  for (const name of ['fs', 'fs/promises', 'path', 'node:url', 'node:test', 'zlib', 'child_process', 'module']) assert.equal(isNodeBuiltin(name), true, name);
  for (const name of ['yaml', 'fast-png', 'jpeg-js', 'fsevents', 'pathe', '@tensorflow/tfjs-core']) assert.equal(isNodeBuiltin(name), false, name);
});

test('a Node built-in reached through a helper module is reported with its import chain', async () => {
  const dir = join(fixtures, 'browser-unsafe');
  const result = await bundleForBrowser(join(dir, 'index.js'), { cwd: dir });
  const found = result.builtins.map((b) => b.builtin).sort();
  assert.deepEqual(found, ['node:fs', 'path']);
  for (const b of result.builtins) assert.deepEqual(b.chain, ['index.js', 'read-config.js']);
  assert.deepEqual(result.nodeGlobals.map((g) => g.name), ['Buffer']);
});

test('a built-in that the package maps to false in its browser field is not reachable', async () => {
  const dir = join(fixtures, 'browser-mapped');
  const result = await bundleForBrowser(join(dir, 'index.js'), { cwd: dir });
  assert.deepEqual(result.builtins, []);
  assert.deepEqual(result.nodeGlobals, []); // `typeof process` is a guard, not a use
  assert.ok(result.minified > 0 && result.gzip > 0);
});

test('nodeGlobalUses flags bare Node globals only', () => {
  assert.deepEqual(nodeGlobalUses('let a=Buffer.from(b);').map((u) => u.name), ['Buffer']);
  assert.deepEqual(nodeGlobalUses('const x=require("fs"),d=__dirname;').map((u) => u.name), ['require', '__dirname']);
  assert.deepEqual(nodeGlobalUses('if(typeof process<"u")a.process=1;const o={process:2,Buffer:3};new ArrayBuffer(4)'), []);
});

test('importChain walks the metafile from the entry to the importer', () => {
  const metafile = {
    inputs: {
      'a.js': { imports: [{ path: 'b.js' }, { path: 'c.js' }] },
      'b.js': { imports: [{ path: 'fs', external: true }] },
      'c.js': { imports: [{ path: 'd.js' }] },
      'd.js': { imports: [] },
    },
  };
  assert.deepEqual(importChain(metafile, 'a.js', 'd.js'), ['a.js', 'c.js', 'd.js']);
  assert.deepEqual(importChain(metafile, 'a.js', 'b.js'), ['a.js', 'b.js']);
});
