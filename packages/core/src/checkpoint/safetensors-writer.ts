import type { StateDict, TensorValues } from '../tensor/tensor-data.js';

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

/**
 * Encodes a state dict as safetensors (little-endian, data in state-dict order): the format our
 * training code saves and every reader (ours, Python's `safetensors`) loads back.
 */
export function encodeSafetensors(stateDict: StateDict, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of stateDict) {
    const data = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    header[name] = { dtype: dtypeTag(t.values), shape: t.shape, data_offsets: [offset, offset + data.length] };
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
