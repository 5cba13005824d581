import type { DType } from '../tensor/tensor-data.js';
import { CheckpointError } from '../checkpoint/errors.js';

/** What an `.npy` header dict says about the array that follows. */
export interface NpyHeader {
  dtype: DType;
  /** Bytes per element in the file. */
  elementSize: number;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
}

const KIND_DTYPE: Readonly<Record<string, DType>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
};

function field(text: string, name: string, value: string): RegExpExecArray | null {
  return new RegExp(`['"]${name}['"]\\s*:\\s*${value}`).exec(text);
}

function missing(name: string, text: string): never {
  throw new CheckpointError('CORRUPT', `npy header has no valid '${name}': ${JSON.stringify(text.slice(0, 120))}`);
}

/**
 * Parses the Python-literal header dict, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 17, 64, 48), }`.
 * Only simple numeric / bool dtypes are supported; structured dtypes are refused.
 */
export function parseNpyHeader(text: string): NpyHeader {
  if (field(text, 'descr', '\\[')) throw new CheckpointError('UNSUPPORTED', 'npy structured dtypes (descr is a list)');
  const descr = field(text, 'descr', `['"]([^'"]*)['"]`)?.[1] ?? missing('descr', text);
  const fortran = field(text, 'fortran_order', '(True|False)')?.[1] ?? missing('fortran_order', text);
  const shapeText = field(text, 'shape', '\\(([^)]*)\\)')?.[1] ?? missing('shape', text);
  const parts = descr.match(/^([<>=|])([a-zA-Z]\d+)$/);
  const dtype = parts ? KIND_DTYPE[parts[2]] : undefined;
  if (!parts || dtype === undefined) {
    throw new CheckpointError('UNSUPPORTED', `npy dtype '${descr}'; supported: <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 |b1 (either byte order)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = /^\d+L?$/.test(s) ? Number.parseInt(s, 10) : NaN;
      if (!Number.isSafeInteger(n)) throw new CheckpointError('CORRUPT', `npy shape entry '${s.slice(0, 30)}' is not a non-negative integer`);
      return n;
    });
  const elementSize = Number(parts[2].slice(1));
  return { dtype, elementSize, bigEndian: parts[1] === '>' && elementSize > 1, fortranOrder: fortran === 'True', shape };
}
