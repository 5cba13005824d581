// Packs the library packages exactly as `pnpm publish` (and so `changeset publish`) would, and
// checks what a user would receive: the file list and the rewritten package.json.
import { mkdirSync } from 'node:fs';
import { libraryPackages, repoRoot, run } from './workspace.mjs';

/** Dependency fields whose ranges must not leak `workspace:` into the registry. */
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/**
 * `pnpm pack` of every library package into `destination` (pnpm rewrites `workspace:` ranges and
 * applies `publishConfig` overrides such as `exports`). Returns one record per package with the
 * tarball path, the packed file list and the packed package.json.
 */
export function packAll(destination, root = repoRoot) {
  mkdirSync(destination, { recursive: true });
  return libraryPackages(root).map((pkg) => {
    const report = JSON.parse(run('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: pkg.dir }));
    const files = report.files.map((f) => f.path.replace(/^package\//, '')).sort();
    const manifest = JSON.parse(run('tar', ['-xzOf', report.filename, 'package/package.json']));
    return { name: pkg.name, folder: pkg.folder, workspaceManifest: pkg.manifest, tarball: report.filename, files, manifest };
  });
}

/** Every file path an `exports` value points at (all conditions, all subpaths). */
export function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

/** Every condition name used anywhere in an `exports` value. */
export function exportConditions(value) {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [...(key.startsWith('.') ? [] : [key]), ...exportConditions(inner)]);
}

const normalise = (path) => path.replace(/^\.\//, '');

/** An `exports` value without the workspace-only `source` condition. */
export function withoutSource(value) {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'source').map(([key, inner]) => [key, withoutSource(inner)]));
}

/**
 * Problems of one packed package, as sentences (empty = fine): the shipped files (dist and README
 * present; no sources, tests or fixtures), every entry point present, no `source` condition (it
 * points at src/, which is not shipped) and the same map as the workspace's otherwise, no
 * `workspace:` range, and the metadata users rely on
 * (engines.node, sideEffects, license, optional TF.js backend / onnxruntime-node / onnxruntime-web peers). A `bin`
 * target counts as an entry point.
 */
export function tarballProblems({ name, files, manifest, workspaceManifest }) {
  const problems = [];
  const has = new Set(files);
  if (!files.some((f) => f.startsWith('dist/'))) problems.push(`${name}: no dist/ files in the tarball (was it built?)`);
  if (!has.has('README.md')) problems.push(`${name}: README.md is not in the tarball`);
  const unwanted = files.filter((f) => /^src\//.test(f) || /(^|\/)__(fixtures|snapshots)__\//.test(f) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) || /^(tsconfig|tsup\.config|vitest\.config)/.test(f));
  if (unwanted.length > 0) problems.push(`${name}: ships files users must not get: ${unwanted.slice(0, 5).join(', ')}${unwanted.length > 5 ? ', …' : ''}`);

  const entryPoints = [manifest.main, manifest.module, manifest.types, ...exportTargets(manifest.exports ?? {})];
  for (const paths of Object.values(manifest.typesVersions ?? {})) entryPoints.push(...exportTargets(paths));
  // A CLI's bin (a path or a name → path map) must ship too, or `npx <bin>` finds nothing to run.
  entryPoints.push(...exportTargets(manifest.bin ?? {}));
  for (const target of new Set(entryPoints.filter(Boolean).map(normalise))) {
    if (!has.has(target)) problems.push(`${name}: entry point ${target} is not in the tarball`);
  }
  if (exportConditions(manifest.exports ?? {}).includes('source')) {
    problems.push(`${name}: the published exports keep the "source" condition (src/ is not shipped); set publishConfig.exports`);
  }
  // publishConfig.exports repeats the workspace map: a subpath added to one only must not slip by.
  if (workspaceManifest && JSON.stringify(withoutSource(workspaceManifest.exports)) !== JSON.stringify(withoutSource(manifest.exports))) {
    problems.push(`${name}: the published exports differ from the workspace exports (minus "source"); keep publishConfig.exports in step`);
  }
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${name}: ${field}.${dep} is still "${range}" in the tarball`);
    }
  }
  if (!manifest.engines?.node) problems.push(`${name}: engines.node is missing`);
  if (manifest.sideEffects !== false) problems.push(`${name}: sideEffects should be false (tree-shaking), got ${JSON.stringify(manifest.sideEffects)}`);
  if (!manifest.license) problems.push(`${name}: license is missing`);
  for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
    if (/^(@tensorflow\/tfjs(-node(-gpu)?)?|onnxruntime-(node|web))$/.test(peer) && manifest.peerDependenciesMeta?.[peer]?.optional !== true) {
      problems.push(`${name}: peer ${peer} must be optional (peerDependenciesMeta.${peer}.optional)`);
    }
  }
  return problems;
}

