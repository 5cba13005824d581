import type { DType, TensorData } from '../tensor/tensor-data.js';
import { numel } from '../tensor/tensor-data.js';
import { CheckpointError } from '../checkpoint/errors.js';
import { HOST_LITTLE_ENDIAN, swapBytes, viewElements } from '../checkpoint/element-decode.js';
import { gatherStrided } from '../checkpoint/strided-gather.js';
import { parseNpyHeader } from './npy-header.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function columnMajorStrides(shape: readonly number[]): number[] {
  const stride: number[] = [];
  let s = 1;
  for (const d of shape) {
    stride.push(s);
    s *= d;
  }
  return stride;
}

/**
 * Parses a NumPy `.npy` file (format 1.0, 2.0 or 3.0) into a row-major {@link TensorData}.
 * Fortran-order arrays are transposed to C order; big-endian data is byte-swapped; `<f2`
 * widens to Float32Array. Header and data lengths are checked against the file first.
 * Throws `CheckpointError` (codes BAD_MAGIC, TRUNCATED, UNSUPPORTED, CORRUPT).
 */
export function parseNpy(bytes: Uint8Array): TensorData {
  if (bytes.length < 10) throw new CheckpointError('TRUNCATED', `npy file has ${bytes.length} bytes, too short for its preamble (10)`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new CheckpointError('BAD_MAGIC', 'not an .npy file: expected it to start with \\x93NUMPY', { offset: 0 });
  const major = bytes[6];
  if (major < 1 || major > 3) throw new CheckpointError('UNSUPPORTED', `npy format version ${major}.${bytes[7]}`, { offset: 6 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new CheckpointError('TRUNCATED', 'npy file ends inside its header length');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = start + headerLength;
  if (dataStart > bytes.length) {
    throw new CheckpointError('TRUNCATED', `npy header claims ${headerLength} bytes but only ${bytes.length - start} follow`, { offset: 8 });
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const header = parseNpyHeader(text);
  const count = numel(header.shape);
  const needed = count * header.elementSize;
  if (needed > bytes.length - dataStart) {
    throw new CheckpointError(
      'TRUNCATED',
      `npy data of shape [${header.shape.join(',')}] (${header.dtype}) needs ${needed} bytes but only ${bytes.length - dataStart} follow the header`,
      { offset: dataStart },
    );
  }
  const data = bytes.subarray(dataStart, dataStart + needed);
  const stride = header.fortranOrder ? columnMajorStrides(header.shape) : columnMajorStrides([...header.shape].reverse()).reverse();
  const raw = gatherStrided(data, 0, header.elementSize, header.shape, stride, count);
  if (header.bigEndian === HOST_LITTLE_ENDIAN) swapBytes(raw, header.elementSize);
  return { dtype: header.dtype, shape: header.shape, values: viewElements(raw, header.dtype) };
}

/** `.npy` descr written for each dtype; float16 / bfloat16 values are already float32 in memory. */
const DESCR: Readonly<Record<DType, string>> = {
  float32: '<f4',
  float16: '<f4',
  bfloat16: '<f4',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
};

/**
 * Encodes a tensor as an `.npy` file (format 1.0, C order, little-endian, header padded so the
 * data starts on a 64-byte boundary as NumPy does). float16 / bfloat16 tensors are written as
 * `<f4` because their values are held as float32.
 */
export function encodeNpy(tensor: TensorData): Uint8Array {
  const count = numel(tensor.shape);
  if (tensor.values.length !== count) {
    throw new CheckpointError('CORRUPT', `tensor has ${tensor.values.length} values but shape [${tensor.shape.join(',')}] needs ${count}`);
  }
  const dims = tensor.shape.join(', ');
  const shape = tensor.shape.length === 1 ? `(${dims},)` : `(${dims})`;
  let header = `{'descr': '${DESCR[tensor.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  if (header.length > 0xffff) throw new CheckpointError('SIZE_LIMIT', `npy header of ${header.length} bytes needs format 2.0`);
  const values = tensor.values;
  const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC);
  out[6] = 1;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  if (!HOST_LITTLE_ENDIAN) swapBytes(out.subarray(10 + header.length), values.BYTES_PER_ELEMENT);
  return out;
}
