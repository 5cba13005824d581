import type { StateDict, TensorValues } from '../tensor/tensor-data.js';
import { encodeFloat16 } from './float16.js';

/** Options of {@link encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /**
   * Storage type of floating tensors: `'float16'` halves the file (values rounded to nearest even,
   * read back widened to float32), `'float32'` narrows float64 too. Default: each tensor's own type.
   * Integer tensors (`num_batches_tracked` is int64) are never changed.
   */
  dtype?: 'float32' | 'float16';
}

/** safetensors dtype tag of the typed array a tensor holds (float16/bfloat16 were widened to float32). */
function dtypeTag(values: TensorValues): string {
  if (values instanceof Float32Array) return 'F32';
  if (values instanceof Float64Array) return 'F64';
  if (values instanceof BigInt64Array) return 'I64';
  if (values instanceof Int32Array) return 'I32';
  if (values instanceof Int16Array) return 'I16';
  if (values instanceof Int8Array) return 'I8';
  return 'U8';
}

/** The tensor's bytes and dtype tag as stored, after the optional float conversion. */
function storedBytes(values: TensorValues, dtype: EncodeSafetensorsOptions['dtype']): { tag: string; data: Uint8Array } {
  const isFloat = values instanceof Float32Array || values instanceof Float64Array;
  let stored: TensorValues | Uint16Array = values;
  if (isFloat && dtype === 'float16') stored = encodeFloat16(values);
  else if (values instanceof Float64Array && dtype === 'float32') stored = Float32Array.from(values);
  const tag = stored instanceof Uint16Array ? 'F16' : dtypeTag(stored);
  return { tag, data: new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength) };
}

/**
 * Encodes a state dict as safetensors (little-endian, data in state-dict order): the format our
 * training code saves and every reader (ours, Python's `safetensors`) loads back.
 */
export function encodeSafetensors(
  stateDict: StateDict,
  metadata?: Record<string, string>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of stateDict) {
    const { tag, data } = storedBytes(t.values, options.dtype);
    header[name] = { dtype: tag, shape: t.shape, data_offsets: [offset, offset + data.length] };
    chunks.push(data);
    offset += data.length;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
