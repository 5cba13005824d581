import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * `pnpm hrnet` runs with the repository root as cwd; pnpm passes the directory the user typed
 * the command in as INIT_CWD, which is what relative paths mean to them.
 */
export function userPath(path: string): string {
  if (isAbsolute(path)) return path;
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** True when `path` (relative to the user's directory) names an existing file. */
export function userFileExists(path: string): boolean {
  return existsSync(userPath(path));
}
