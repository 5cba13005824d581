export { CheckpointError, isCheckpointError, type CheckpointErrorCode, type CheckpointErrorOptions } from './errors.js';
export { readCheckpoint, type Checkpoint, type ReadCheckpointOptions } from './read-checkpoint.js';
export { detectFormat } from './detect-format.js';
export type { CheckpointFormat, FileCheckpointFormat } from './parsed-checkpoint.js';
export { encodeSafetensors, type EncodeSafetensorsOptions } from './safetensors-writer.js';
export { floatToHalf, encodeFloat16 } from './float16.js';
export { parseTfjsManifest, type TfjsWeightEntry, type TfjsWeightsGroup, type TfjsWeightsJson } from './tfjs-manifest.js';
export { readTfjsWeights, type TfjsShardSource } from './tfjs-weights-reader.js';
export { encodeTfjsWeights, TFJS_SHARD_BYTES, type EncodeTfjsWeightsOptions, type TfjsWeights } from './tfjs-weights-writer.js';
