// Test-only: the `tensor_digest` of the shared fixture manifests, recomputed from a StateDict.
import { createHash } from 'node:crypto';
import type { StateDict, TensorData } from '../../tensor/tensor-data.js';

/** Raw little-endian bytes of a tensor's values (the reader's hosts are little-endian). */
export function valueBytes(t: TensorData): Uint8Array {
  return new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
}

/**
 * sha256 over, for each entry in order: key, `str(tensor.dtype)` (e.g. `torch.float32`),
 * `str(list(tensor.shape))` (e.g. `[64, 3, 3, 3]`) and the C-order value bytes — how the oracle
 * generator digests a state dict (works for float32 / int64 entries, which is all it holds).
 */
export function tensorDigest(stateDict: StateDict): string {
  const hash = createHash('sha256');
  for (const [key, t] of stateDict) {
    hash.update(key);
    hash.update(`torch.${t.dtype}`);
    hash.update(`[${t.shape.join(', ')}]`);
    hash.update(valueBytes(t));
  }
  return hash.digest('hex');
}
