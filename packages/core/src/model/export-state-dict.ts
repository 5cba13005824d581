import type { Module } from '../nn/module.js';
import type { StateDict } from '../tensor/tensor-data.js';

/**
 * The model's state dict with official key names and shapes, as PyTorch's `state_dict()` gives
 * it (trained values included; `num_batches_tracked` as int64 0). Save it with
 * `encodeSafetensors` and load it back with `readCheckpoint` + `model.load`.
 */
export function exportStateDict(model: Module): StateDict {
  const sd: StateDict = new Map();
  for (const e of model.boundEntries()) {
    sd.set(
      e.key,
      e.kind === 'counter'
        ? { dtype: 'int64', shape: e.shape, values: new BigInt64Array(1) }
        : { dtype: 'float32', shape: e.shape, values: e.owner.currentValue(e.name) },
    );
  }
  return sd;
}
