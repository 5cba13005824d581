/**
 * Resumable training checkpoints in one safetensors file: the model's state dict under its official
 * keys, the optimizer's slots under `optimizer.<variable>.<slot>`, and the epoch reached plus the
 * optimizer's step count in `__metadata__`. Loading a model from it ignores the optimizer keys.
 */
import { type Adam, encodeSafetensors, exportStateDict, readCheckpoint, type StateDict, type TaskModel } from '@hrnetjs/core';

const OPTIMIZER_PREFIX = 'optimizer.';

/** What {@link encodeTrainingState} stores besides tensors. */
export interface TrainingStateInfo {
  /** Epochs completed (the next run starts at this epoch). */
  epochsDone: number;
  /** Free-form labels (task, run settings) kept in `__metadata__`. */
  labels?: Record<string, string>;
}

/**
 * Weights and optimizer state. The model must be in training mode (its variables exist) when an
 * optimizer is given, so slots are matched to the same variable order on resume.
 */
export function encodeTrainingState(model: TaskModel, optimizer: Adam | undefined, info: TrainingStateInfo): Uint8Array {
  const sd: StateDict = exportStateDict(model);
  let steps = 0;
  if (optimizer) {
    const state = optimizer.exportState(model.trainableVariables());
    steps = state.steps;
    for (const [key, { data, shape }] of state.slots) sd.set(`${OPTIMIZER_PREFIX}${key}`, { dtype: 'float32', shape, values: data });
  }
  return encodeSafetensors(sd, { ...info.labels, epochs_done: String(info.epochsDone), optimizer_steps: String(steps) });
}

/** A decoded training checkpoint: model weights, optimizer slots and progress. */
export interface TrainingState {
  weights: StateDict;
  optimizer: { steps: number; slots: Map<string, { data: Float32Array; shape: number[] }> };
  epochsDone: number;
  labels: Record<string, string>;
}

export function decodeTrainingState(bytes: Uint8Array): TrainingState {
  const checkpoint = readCheckpoint(bytes);
  const metadata = (checkpoint.extras.__metadata__ ?? {}) as Record<string, string>;
  const epochsDone = Number(metadata.epochs_done);
  const steps = Number(metadata.optimizer_steps ?? 0);
  if (!Number.isInteger(epochsDone) || epochsDone < 0 || !Number.isInteger(steps) || steps < 0) {
    throw new Error(`not a training checkpoint: __metadata__ needs integer epochs_done and optimizer_steps, got ${JSON.stringify(metadata)}`);
  }
  const weights: StateDict = new Map();
  const slots = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [key, tensor] of checkpoint.stateDict) {
    if (!key.startsWith(OPTIMIZER_PREFIX)) weights.set(key, tensor);
    else if (tensor.values instanceof Float32Array) slots.set(key.slice(OPTIMIZER_PREFIX.length), { data: tensor.values, shape: [...tensor.shape] });
    else throw new Error(`training checkpoint: optimizer slot '${key}' must be float32`);
  }
  const { epochs_done: _e, optimizer_steps: _s, ...labels } = metadata;
  return { weights, optimizer: { steps, slots }, epochsDone, labels };
}
