// Shared helpers of the release checks: where the repository, its library packages and the shared
// fixtures are, and how to run a command with a readable failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (tools/release/lib → ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The publishable packages: every packages/<name>/package.json that is not private, in dependency
 * order (core first, then the heads alphabetically) so packing and reports read naturally.
 */
export function libraryPackages(root = repoRoot) {
  const dir = join(root, 'packages');
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private) continue;
    found.push({ dir: join(dir, name), folder: name, name: manifest.name, manifest });
  }
  const internal = (p) => Object.keys(p.manifest.dependencies ?? {}).filter((d) => found.some((q) => q.name === d)).length;
  return found.sort((a, b) => internal(a) - internal(b) || a.folder.localeCompare(b.folder));
}

/**
 * Node-only packages: those with a `bin` (the `hrnet` CLI). They are published and linted like the
 * libraries, but ship ESM only (attw's esm-only profile) and have no browser entry to bundle.
 */
export function isNodeOnly(pkg) {
  return Boolean(pkg.manifest.bin);
}

/** The oracle fixtures: $HRNET_FIXTURES, else `<repo>/../shared/fixtures` (as in @hrnetjs/test-utils). */
export function fixturesDir(root = repoRoot) {
  const dir = process.env.HRNET_FIXTURES ? resolve(process.env.HRNET_FIXTURES) : resolve(root, '..', 'shared', 'fixtures');
  if (!existsSync(join(dir, 'pose', 'pose_tiny.pth'))) {
    throw new Error(`oracle fixtures not found in ${dir} (expected pose/pose_tiny.pth): set HRNET_FIXTURES to the fixtures folder`);
  }
  return dir;
}

/**
 * Runs a command synchronously and returns its stdout; on a non-zero exit throws an Error whose
 * message carries the command and the tail of its output (so CI logs show why).
 */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} (in ${options.cwd ?? process.cwd()}) exited with ${result.status}:\n${tail}`);
  }
  return result.stdout;
}

/** Builds every publishable package (libraries and the CLI) through turbo (cached when nothing changed). */
export function buildLibraries(root = repoRoot) {
  const filters = libraryPackages(root).flatMap((p) => ['--filter', p.name]);
  run('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Seconds since `start` (a `performance.now()` value), one decimal. */
export function secondsSince(start) {
  return ((performance.now() - start) / 1000).toFixed(1);
}
