import { encodeNpy, parseNpy } from '../io/npy.js';
import type { TensorData } from '../tensor/tensor-data.js';
import { readBytes, writeBytes } from './read-file.js';

/** Reads an `.npy` file from disk with {@link parseNpy}. */
export async function readNpyFile(path: string): Promise<TensorData> {
  return parseNpy(await readBytes(path, '.npy file'));
}

/** Writes a tensor to disk as an `.npy` file (format 1.0, C order) with {@link encodeNpy}. */
export async function writeNpyFile(path: string, tensor: TensorData): Promise<void> {
  await writeBytes(path, encodeNpy(tensor), '.npy file');
}
