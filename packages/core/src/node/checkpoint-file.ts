import { readCheckpoint, type Checkpoint, type ReadCheckpointOptions } from '../checkpoint/read-checkpoint.js';
import { encodeSafetensors } from '../checkpoint/safetensors-writer.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { readBytes, writeBytes } from './read-file.js';
import { readTfjsWeightsFile } from './tfjs-weights-file.js';

/**
 * Reads a `.pth` / `.pt` / `.safetensors` file from disk with {@link readCheckpoint}, or a TF.js
 * weights `model.json` (any `.json` path) and its shards with `readTfjsWeightsFile`.
 * A missing file throws `CheckpointError` with code `FILE_NOT_FOUND` naming the path.
 */
export async function readCheckpointFile(path: string, options?: ReadCheckpointOptions): Promise<Checkpoint> {
  if (path.toLowerCase().endsWith('.json')) return readTfjsWeightsFile(path, options);
  return readCheckpoint(await readBytes(path, 'checkpoint file'), options);
}

/**
 * Saves a state dict (e.g. `exportStateDict(model)` after training) as a safetensors file, which
 * {@link readCheckpointFile} and PyTorch's `safetensors` both load.
 */
export async function writeCheckpointFile(path: string, stateDict: StateDict, metadata?: Record<string, string>): Promise<void> {
  await writeBytes(path, encodeSafetensors(stateDict, metadata), 'checkpoint file');
}
