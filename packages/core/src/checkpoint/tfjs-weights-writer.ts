import type { StateDict, TensorData } from '../tensor/tensor-data.js';
import { HOST_LITTLE_ENDIAN, swapBytes } from './element-decode.js';
import { CheckpointError } from './errors.js';
import { encodeFloat16 } from './float16.js';
import type { TfjsWeightEntry, TfjsWeightsJson } from './tfjs-manifest.js';

/** TF.js's own shard size (tensorflowjs_converter and `tf.io` write 4 MiB shards). */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;

/** Options of {@link encodeTfjsWeights}. */
export interface EncodeTfjsWeightsOptions {
  /** Storage type of floating tensors; float16 halves the size (TF.js float16 quantization). Default float32. */
  dtype?: 'float32' | 'float16';
  /** Largest shard in bytes (a weight may straddle two shards, as in TF.js). Default 4 MiB. */
  shardBytes?: number;
  /** String metadata kept as the manifest's `userDefinedMetadata`. */
  metadata?: Record<string, string>;
}

/** A converted state dict: `shards[i]` is saved beside model.json as `modelJson.weightsManifest[0].paths[i]`. */
export interface TfjsWeights {
  modelJson: TfjsWeightsJson;
  shards: Uint8Array[];
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** int64 → int32 (TF.js has no int64); only `num_batches_tracked`-like counters, so overflow is refused, not wrapped. */
function int64ToInt32(name: string, values: BigInt64Array): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 2147483647n || v < -2147483648n) {
      throw new CheckpointError('UNSUPPORTED', `int64 tensor '${name}' holds ${v}, outside int32: TF.js weights have no int64`);
    }
    out[i] = Number(v);
  }
  return out;
}

/** One tensor as a manifest entry plus its little-endian bytes. */
function encodeTensor(name: string, t: TensorData, dtype: 'float32' | 'float16'): { entry: TfjsWeightEntry; bytes: Uint8Array } {
  const shape = t.shape.slice();
  const v = t.values;
  let entry: TfjsWeightEntry;
  let stored: ArrayBufferView;
  if (v instanceof Float32Array || v instanceof Float64Array) {
    entry = dtype === 'float16' ? { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } } : { name, shape, dtype: 'float32' };
    stored = dtype === 'float16' ? encodeFloat16(v) : v instanceof Float32Array ? v : Float32Array.from(v);
  } else if (v instanceof Uint8Array && t.dtype === 'bool') {
    entry = { name, shape, dtype: 'bool' };
    stored = v;
  } else {
    entry = { name, shape, dtype: 'int32' };
    stored = v instanceof BigInt64Array ? int64ToInt32(name, v) : v instanceof Int32Array ? v : Int32Array.from(v);
  }
  let bytes = bytesOf(stored);
  if (!HOST_LITTLE_ENDIAN) {
    bytes = bytes.slice();
    swapBytes(bytes, stored instanceof Uint8Array ? 1 : stored instanceof Uint16Array ? 2 : 4);
  }
  return { entry, bytes };
}

/**
 * Encodes a state dict as a TF.js weights manifest plus binary shards (one group, weights back to
 * back in state-dict order, names = state-dict keys): `tf.io.decodeWeights` and
 * {@link readTfjsWeights} both load it. float32 / float64 → float32 (or float16 quantization),
 * int64 / int16 / int8 / uint8 → int32 (TF.js has no int64), bool → bool.
 */
export function encodeTfjsWeights(stateDict: StateDict, options: EncodeTfjsWeightsOptions = {}): TfjsWeights {
  const dtype = options.dtype ?? 'float32';
  const shardBytes = options.shardBytes ?? TFJS_SHARD_BYTES;
  if (dtype !== 'float32' && dtype !== 'float16') throw new RangeError(`dtype must be 'float32' or 'float16', got '${String(dtype)}'`);
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 1) throw new RangeError(`shardBytes must be a positive integer, got ${shardBytes}`);
  const encoded = [...stateDict].map(([name, t]) => encodeTensor(name, t, dtype));
  const total = encoded.reduce((n, e) => n + e.bytes.length, 0);
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => new Uint8Array(Math.min(shardBytes, total - i * shardBytes)));
  let at = 0;
  for (const { bytes } of encoded) {
    // Split each tensor's bytes at shard boundaries.
    for (let done = 0; done < bytes.length; ) {
      const shard = Math.floor(at / shardBytes);
      const inShard = at - shard * shardBytes;
      const n = Math.min(bytes.length - done, shardBytes - inShard);
      shards[shard].set(bytes.subarray(done, done + n), inShard);
      done += n;
      at += n;
    }
  }
  const paths = shards.map((_, i) => `group1-shard${i + 1}of${count}.bin`);
  const modelJson: TfjsWeightsJson = {
    format: 'weights-manifest',
    generatedBy: '@hrnetjs/core',
    convertedBy: null,
    weightsManifest: [{ paths, weights: encoded.map((e) => e.entry) }],
    ...(options.metadata ? { userDefinedMetadata: { ...options.metadata } } : {}),
  };
  return { modelJson, shards };
}
