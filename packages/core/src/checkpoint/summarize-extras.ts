import { OpaqueObject, PyGlobal, StorageRef, TensorRef } from './pickle-values.js';

// Pickles can share sub-objects (memo) and even form cycles, so a naive walk may be exponential
// or endless: cap depth and the number of nodes visited.
const MAX_DEPTH = 32;
const MAX_NODES = 100_000;

/**
 * JSON-safe summary of non-weight entries (epoch, mmcv meta, optimizer state…). Tensors and other
 * non-JSON values become `{ $type: … }` records; ints beyond 2^53 become decimal strings; non-finite
 * floats become 'NaN' / 'Infinity' / '-Infinity'; tuples and sets become arrays; dict keys become
 * strings. Deep or huge structures are cut with `{ $type: 'truncated' }`.
 */
export function summarizeExtras(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const budget = { nodes: MAX_NODES };
  const out: [string, unknown][] = [];
  for (const [k, v] of entries) out.push([k, summarize(v, 0, budget)]);
  return Object.fromEntries(out); // fromEntries: a '__proto__' key stays an own property
}

function summarize(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0 || depth > MAX_DEPTH) return { $type: 'truncated' };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { $type: 'bytes', length: value.length };
  if (value instanceof TensorRef) return { $type: 'tensor', dtype: value.storage.dtype, shape: [...value.shape] };
  if (value instanceof StorageRef) return { $type: 'storage', dtype: value.dtype, numel: value.numel };
  if (value instanceof PyGlobal) return { $type: 'global', name: value.qualifiedName };
  if (value instanceof OpaqueObject) return { $type: 'opaque', global: value.global };
  const next = (v: unknown) => summarize(v, depth + 1, budget);
  if (Array.isArray(value) || value instanceof Set) return [...value].map(next);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [keyText(k), next(v)]));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, next(v)]));
  return { $type: typeof value };
}

function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'None';
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  return JSON.stringify(summarize(key, MAX_DEPTH, { nodes: 1 }));
}
