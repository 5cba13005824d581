/**
 * Locating worker code. In the repository (vitest, tsx) modules are TypeScript sources, so a
 * worker registers tsx before importing them and resolves workspace packages with the `source`
 * condition; in the published dist they are plain ES modules that tsup emits as their own entries
 * next to the bundle. Node built-ins are imported lazily (this file is reachable from the
 * browser-safe entry; only starting workers needs Node).
 */

/**
 * URL of a module beside the calling one: `sourceName` when the caller runs from TypeScript
 * sources (`import.meta.url` ends in .ts), else `distName` in the caller's dist folder.
 */
export function siblingModuleUrl(callerUrl: string, sourceName: string, distName: string): string {
  return new URL(callerUrl.endsWith('.ts') ? sourceName : distName, callerUrl).href;
}

/** The gradient worker's entry (src/train/data-parallel/worker-entry.ts, or dist/train-worker.js). */
export function workerEntryUrl(): string {
  return siblingModuleUrl(import.meta.url, './worker-entry.ts', './train-worker.js');
}

/** A Node built-in, imported at run time only (bundlers leave a computed specifier alone). */
export async function nodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    throw new Error(`data-parallel training needs Node.js worker threads (${specifier}: ${(error as Error).message})`);
  }
}

/** How to start a worker whose entry / replica may be TypeScript: tsx's ESM API to register, execArgv. */
export async function workerBootstrap(urls: string[]): Promise<{ tsx: string | null; execArgv: string[] | undefined }> {
  if (!urls.some((u) => u.endsWith('.ts'))) return { tsx: null, execArgv: undefined };
  const { createRequire } = await nodeBuiltin<typeof import('node:module')>('module');
  const { pathToFileURL } = await nodeBuiltin<typeof import('node:url')>('url');
  let tsxPackage: string;
  try {
    tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  } catch {
    throw new Error(`data-parallel training from TypeScript sources (${urls.find((u) => u.endsWith('.ts'))}) needs the tsx package (a dev dependency of the repository)`);
  }
  return { tsx: pathToFileURL(tsxPackage.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href, execArgv: ['--conditions=source'] };
}

/** Every worker's bootstrap, an ES module (data: URL): optional tsx, then the entry module. */
export const BOOTSTRAP = new URL(
  `data:text/javascript,${encodeURIComponent(`import { workerData } from 'node:worker_threads';
if (workerData.tsx) (await import(workerData.tsx)).register();
await import(workerData.entry);`)}`,
);
