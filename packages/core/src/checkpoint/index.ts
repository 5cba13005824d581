export { CheckpointError, isCheckpointError, type CheckpointErrorCode, type CheckpointErrorOptions } from './errors.js';
export { readCheckpoint, type Checkpoint, type ReadCheckpointOptions } from './read-checkpoint.js';
export { detectFormat } from './detect-format.js';
export type { CheckpointFormat } from './parsed-checkpoint.js';
export { encodeSafetensors } from './safetensors-writer.js';
