import { readFile, writeFile } from 'node:fs/promises';
import { CheckpointError } from '../checkpoint/errors.js';

/** Reads a whole file as a plain Uint8Array; missing files and I/O failures become CheckpointErrors. */
export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    // A plain view, not a Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ENOENT') throw new CheckpointError('FILE_NOT_FOUND', `${what} not found: ${path}`, { cause });
    throw new CheckpointError('IO_ERROR', `cannot read ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Writes bytes to a file; failures become CheckpointErrors naming the path. */
export async function writeBytes(path: string, bytes: Uint8Array, what: string): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (cause) {
    throw new CheckpointError('IO_ERROR', `cannot write ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
}
