/** Container formats {@link readCheckpoint} understands. */
export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';

/**
 * A file decoded down to its Python object, with tensors still as lazy `TensorRef`s whose
 * storages already point at their bytes.
 */
export interface ParsedCheckpoint {
  format: CheckpointFormat;
  root: unknown;
  /** safetensors `__metadata__` (string → string), kept out of `root`. */
  metadata?: Record<string, unknown>;
}
