/**
 * Locating worker code. In the repository (vitest, tsx) modules are TypeScript sources, so a
 * worker registers tsx before importing them and resolves workspace packages with the `source`
 * condition; in the published dist they are plain ES modules that tsup emits as their own entries
 * next to the bundle.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

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

/** How to start a worker whose entry / replica may be TypeScript: tsx's ESM API to register, execArgv. */
export function workerBootstrap(urls: string[]): { tsx: string | null; execArgv: string[] | undefined } {
  if (!urls.some((u) => u.endsWith('.ts'))) return { tsx: null, execArgv: undefined };
  let tsxPackage: string;
  try {
    tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  } catch {
    throw new Error(`data-parallel training from TypeScript sources (${urls.find((u) => u.endsWith('.ts'))}) needs the tsx package (a dev dependency of the repository)`);
  }
  return { tsx: pathToFileURL(tsxPackage.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href, execArgv: ['--conditions=source'] };
}

/** The eval'd CommonJS bootstrap of every worker: optional tsx, then the entry module. */
export const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve()).then(() => import(workerData.entry));
`;
