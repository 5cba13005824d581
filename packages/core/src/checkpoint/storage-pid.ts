import type { DType } from '../tensor/tensor-data.js';
import { CheckpointError } from './errors.js';
import { describeValue, PyGlobal } from './pickle-values.js';

/** A legacy-format storage view: `(view_key, offset, size)` in elements of the root storage. */
export interface StorageView {
  key: string;
  offset: number;
  size: number;
}

/** The fields of a torch storage persistent id. */
export interface StoragePid {
  dtype: DType;
  key: string;
  location: string;
  numel: number;
  /** Legacy format only: non-null in very old files that saved storage views. */
  view: StorageView | null;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function bad(message: string, offset: number): never {
  throw new CheckpointError('CORRUPT', `bad storage persistent id: ${message}`, { offset });
}

// Very old (Python 2) files pickle the key as an int; torch.load accepts both.
function keyOf(value: unknown, offset: number): string {
  if (typeof value === 'string') return value;
  if (isCount(value)) return String(value);
  return bad(`key must be a string, got ${describeValue(value)}`, offset);
}

/**
 * Validates `('storage', StorageClass, key, location, numel)` (zip format) or the legacy 6-tuple
 * with a trailing `view_metadata`.
 */
export function parseStoragePid(pid: unknown, format: 'zip' | 'legacy', offset: number): StoragePid {
  const arity = format === 'zip' ? 5 : 6;
  if (!Array.isArray(pid) || pid.length !== arity) {
    bad(`expected a ${arity}-tuple, got ${Array.isArray(pid) ? `${pid.length}-tuple` : describeValue(pid)}`, offset);
  }
  const [tag, cls, key, location, numel, view] = pid;
  if (tag !== 'storage') {
    throw new CheckpointError('UNSUPPORTED', `persistent id of kind '${String(tag)}' (only storages are supported)`, { offset });
  }
  if (!(cls instanceof PyGlobal) || cls.kind !== 'storage-class' || cls.dtype === undefined) {
    bad(`expected a storage class, got ${describeValue(cls)}`, offset);
  }
  if (typeof location !== 'string') bad(`location must be a string, got ${describeValue(location)}`, offset);
  if (!isCount(numel)) bad(`element count must be a non-negative integer, got ${String(numel)}`, offset);
  return { dtype: cls.dtype, key: keyOf(key, offset), location, numel, view: parseView(view, offset) };
}

function parseView(view: unknown, offset: number): StorageView | null {
  if (view === null || view === undefined) return null;
  if (!Array.isArray(view) || view.length !== 3 || !isCount(view[1]) || !isCount(view[2])) {
    bad('view metadata must be (key, offset, size)', offset);
  }
  return { key: keyOf(view[0], offset), offset: view[1], size: view[2] };
}
