/**
 * Element types a checkpoint tensor can carry. Floating types other than float64 are widened to
 * float32 on read (float16 / bfloat16 have no typed array in JS); `dtype` keeps what the file said.
 */
export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** The typed array that holds a {@link TensorData}'s values, by element kind. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/**
 * A dense, row-major (C order), contiguous host tensor: what checkpoint and `.npy` readers return
 * and what models load from. float16 / bfloat16 arrive as Float32Array, int64 as BigInt64Array,
 * bool as Uint8Array.
 */
export interface TensorData {
  /** Element type as stored in the file. */
  readonly dtype: DType;
  /** Shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `product(shape)` values in row-major order. */
  readonly values: TensorValues;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A state dict: parameter / buffer name → tensor, in the file's order. */
export type StateDict = Map<string, TensorData>;
