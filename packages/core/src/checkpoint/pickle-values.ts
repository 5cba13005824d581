import type { DType } from '../tensor/tensor-data.js';

/**
 * Values the pickle machine produces besides plain JS ones. Python maps to JS as: None → null,
 * bool → boolean, int → number (bigint beyond 2^53), float → number, str → string, bytes →
 * Uint8Array, tuple / list → array, dict → Map, set / frozenset → Set.
 */

/** `collections.OrderedDict`: a Map that BUILD may target (torch attaches `_metadata` that way). */
export class PyOrderedDict extends Map<unknown, unknown> {}

/** What an allow-listed global stands for; the machine dispatches on this, never on code. */
export type GlobalKind =
  | 'ordered-dict'
  | 'rebuild-tensor'
  | 'rebuild-tensor-v2'
  | 'rebuild-parameter'
  | 'rebuild-parameter-with-state'
  | 'parameter'
  | 'rebuild-from-type-v2'
  | 'tensor-class'
  | 'storage-class'
  | 'size'
  | 'device'
  | 'dtype'
  | 'set'
  | 'frozenset'
  | 'bytearray'
  | 'codecs-encode'
  | 'opaque-factory';

/** An allow-listed Python global, as pushed by GLOBAL / STACK_GLOBAL. Inert: a tag, not code. */
export class PyGlobal {
  constructor(
    /** Module after Python-2 renames (`__builtin__` → `builtins`). */
    readonly module: string,
    readonly name: string,
    readonly kind: GlobalKind,
    /** Element type, for `storage-class` globals. */
    readonly dtype?: DType,
  ) {}

  /** `module.name`, as Python would print it. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * Inert stand-in for an object the reader must not construct (numpy scalars and dtypes in mmcv
 * `meta` dicts). Records only which global produced it.
 */
export class OpaqueObject {
  constructor(readonly global: string) {}
}

/** One storage named by a persistent id; `bytes` is attached when the raw data is located. */
export class StorageRef {
  /** Raw bytes (exactly what the file holds for this storage), or null until located. */
  bytes: Uint8Array | null = null;

  constructor(
    /** Name used in messages, e.g. `data/12`. */
    readonly label: string,
    readonly dtype: DType,
    /** Element count the persistent id claims. */
    readonly numel: number,
    /** Stored big-endian (zip `byteorder` = big). */
    readonly bigEndian: boolean,
  ) {}
}

/** A tensor as described by `_rebuild_tensor_v2`: not materialised until it is needed. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    /** Offset in elements into the storage. */
    readonly offset: number,
    readonly shape: readonly number[],
    /** Strides in elements. */
    readonly stride: readonly number[],
  ) {}
}

/** Short Python-ish type name of a value, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'tuple/list';
  if (value instanceof PyOrderedDict) return 'OrderedDict';
  if (value instanceof Map) return 'dict';
  if (value instanceof Set) return 'set';
  if (value instanceof TensorRef) return 'tensor';
  if (value instanceof StorageRef) return 'storage';
  if (value instanceof PyGlobal) return value.qualifiedName;
  if (value instanceof OpaqueObject) return `${value.global} placeholder`;
  return typeof value;
}
