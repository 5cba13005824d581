import { readCheckpoint, type Checkpoint, type ReadCheckpointOptions } from '../checkpoint/read-checkpoint.js';
import { readBytes } from './read-file.js';

/**
 * Reads a `.pth` / `.pt` / `.safetensors` file from disk with {@link readCheckpoint}.
 * A missing file throws `CheckpointError` with code `FILE_NOT_FOUND` naming the path.
 */
export async function readCheckpointFile(path: string, options?: ReadCheckpointOptions): Promise<Checkpoint> {
  return readCheckpoint(await readBytes(path, 'checkpoint file'), options);
}
