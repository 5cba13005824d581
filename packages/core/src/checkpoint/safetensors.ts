import { ELEMENT_SIZE, SAFETENSORS_DTYPE } from './dtypes.js';
import { CheckpointError } from './errors.js';
import type { ParsedCheckpoint } from './parsed-checkpoint.js';
import { PyOrderedDict, StorageRef, TensorRef } from './pickle-values.js';

// The reference implementation refuses headers above 100 MB; so do we, before decoding.
const MAX_HEADER = 100_000_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function bad(name: string, message: string): never {
  throw new CheckpointError('CORRUPT', `safetensors tensor '${name}': ${message}`);
}

function parseHeader(bytes: Uint8Array): { header: Json; dataStart: number } {
  if (bytes.length < 8) throw new CheckpointError('TRUNCATED', `file has ${bytes.length} bytes, too short for a safetensors header length (8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (length > bytes.length - 8) {
    throw new CheckpointError('TRUNCATED', `safetensors header claims ${length} bytes but only ${bytes.length - 8} follow`, { offset: 0 });
  }
  if (length > MAX_HEADER) throw new CheckpointError('SIZE_LIMIT', `safetensors header of ${length} bytes exceeds ${MAX_HEADER}`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch (cause) {
    throw new CheckpointError('CORRUPT', 'safetensors header is not valid UTF-8 JSON', { offset: 8, cause });
  }
  if (!isObject(header)) throw new CheckpointError('CORRUPT', 'safetensors header is not a JSON object', { offset: 8 });
  return { header, dataStart: 8 + length };
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  return stride;
}

function tensorOf(name: string, info: unknown, data: Uint8Array): { start: number; ref: TensorRef } {
  if (!isObject(info)) bad(name, 'entry is not an object');
  const { dtype: tag, shape, data_offsets: offsets } = info;
  const dtype = typeof tag === 'string' ? SAFETENSORS_DTYPE[tag] : undefined;
  if (dtype === undefined) {
    throw new CheckpointError('UNSUPPORTED', `safetensors tensor '${name}' has dtype ${JSON.stringify(tag)}; supported: ${Object.keys(SAFETENSORS_DTYPE).join(' ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) bad(name, 'shape must be a list of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) bad(name, 'data_offsets must be [start, end]');
  const [start, end] = offsets as number[];
  if (start > end || end > data.length) bad(name, `data_offsets [${start}, ${end}] lie outside the ${data.length}-byte data section`);
  let numel = 1;
  for (const d of shape) numel *= d;
  const es = ELEMENT_SIZE[dtype];
  if (numel * es !== end - start) {
    bad(name, `shape [${shape.join(',')}] of ${dtype} needs ${numel * es} bytes but data_offsets span ${end - start}`);
  }
  const storage = new StorageRef(name, dtype, numel, false);
  storage.bytes = data.subarray(start, end);
  return { start, ref: new TensorRef(storage, 0, shape.slice(), rowMajorStrides(shape)) };
}

/**
 * Reads a safetensors file: u64 LE header length (bounded by the file), JSON header, raw
 * little-endian row-major data. Tensors come back in data order (JSON key order is not
 * reliable for integer-like names); `__metadata__` is returned separately.
 */
export function readSafetensors(bytes: Uint8Array): ParsedCheckpoint {
  const { header, dataStart } = parseHeader(bytes);
  const data = bytes.subarray(dataStart);
  const tensors: { start: number; name: string; ref: TensorRef }[] = [];
  let metadata: Record<string, unknown> | undefined;
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(info)) throw new CheckpointError('CORRUPT', 'safetensors __metadata__ is not an object');
      metadata = info;
      continue;
    }
    tensors.push({ name, ...tensorOf(name, info, data) });
  }
  tensors.sort((a, b) => a.start - b.start);
  const root = new PyOrderedDict(tensors.map((t) => [t.name, t.ref] as const));
  return { format: 'safetensors', root, ...(metadata === undefined ? {} : { metadata }) };
}
