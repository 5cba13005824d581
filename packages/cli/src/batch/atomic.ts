import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Suffix of the temp files; `hrnet` never reads a file with it as a result. */
export const TEMP_MARK = '.tmp-';

/**
 * Writes `path` through `write(tempPath)` then renames the temp file over it: a kill at any moment
 * leaves either no file or the whole file, never half of one (rename is atomic on one file system).
 */
export async function writeAtomically(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await write(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
