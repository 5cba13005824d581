/** Single-file formats {@link readCheckpoint} tells apart from their bytes. */
export type FileCheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';

/** Every format a `Checkpoint` can come from: the single-file ones plus a TF.js weights manifest with shards. */
export type CheckpointFormat = FileCheckpointFormat | 'tfjs-weights';

/**
 * A file decoded down to its Python object, with tensors still as lazy `TensorRef`s whose
 * storages already point at their bytes.
 */
export interface ParsedCheckpoint {
  format: FileCheckpointFormat;
  root: unknown;
  /** safetensors `__metadata__` (string → string), kept out of `root`. */
  metadata?: Record<string, unknown>;
}
