// Bundles an entry for the browser with esbuild and reports every Node built-in the bundle would
// need, with the import chain that reaches it.
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** True for `fs`, `fs/promises`, `node:path`, … (never for npm packages such as `buffer/`). */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier);
}

const MARK = Symbol.for('hrnetjs.browser-check.resolving');

/**
 * esbuild plugin: lets esbuild resolve each built-in import the browser way first (a package's
 * `browser` field may map `fs` to false or to a shim: then it is not reachable), and records the
 * ones that stay unresolved, marking them external so the build goes on and finds all of them.
 */
function builtinRecorder(found) {
  return {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z_][a-z0-9_/]*$/ }, async (args) => {
        if (args.pluginData === MARK || !isNodeBuiltin(args.path)) return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: MARK });
        // Resolved (a shim, or disabled by a `browser` map): esbuild's own resolution does the same.
        if (resolved.errors.length === 0 && !resolved.external) return undefined;
        found.push({ builtin: args.path, importer: args.importer, kind: args.kind });
        return { path: args.path, external: true };
      });
    },
  };
}

/** The chain of inputs from `entry` to `target` in an esbuild metafile (breadth-first). */
export function importChain(metafile, entry, target) {
  const previous = new Map([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === target) break;
    for (const imp of metafile.inputs[current]?.imports ?? []) {
      if (imp.external || previous.has(imp.path)) continue;
      previous.set(imp.path, current);
      queue.push(imp.path);
    }
  }
  if (!previous.has(target)) return [target];
  const chain = [];
  for (let at = target; at !== null; at = previous.get(at)) chain.unshift(at);
  return chain;
}

/**
 * Free references to Node globals (`Buffer`, `process`, `require`, `__dirname`, `__filename`) in
 * minified code: minification renames locals, so a remaining bare name (not a property `.x`, not an
 * object key `x:`) is a global that a browser lacks. Guarded uses (`typeof process`) are allowed.
 */
export function nodeGlobalUses(code) {
  const uses = [];
  for (const m of code.matchAll(/(?<![\w$.])(Buffer|process|require|__dirname|__filename)(?![\w$])(?!\s*:)/g)) {
    const before = code.slice(Math.max(0, m.index - 7), m.index);
    if (before.endsWith('typeof ')) continue;
    uses.push({ name: m[1], context: code.slice(Math.max(0, m.index - 40), m.index + 40) });
  }
  return uses;
}

/**
 * Bundles `entry` for the browser (ESM, minified). `external` lists packages left out (e.g. the
 * package's dependencies, to measure its own code). Returns sizes, built-ins with chains, and
 * Node-global uses.
 */
export async function bundleForBrowser(entry, { cwd, packagesExternal = false } = {}) {
  const found = [];
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    packages: packagesExternal ? 'external' : undefined,
    plugins: [builtinRecorder(found)],
  });
  const code = result.outputFiles[0].contents;
  const entryKey = relative(cwd, entry);
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs).length,
    builtins: found.map((f) => ({ ...f, chain: importChain(result.metafile, entryKey, relative(cwd, f.importer)) })),
    nodeGlobals: nodeGlobalUses(new TextDecoder().decode(code)),
  };
}
