import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../checkpoint/__fixtures__/fixture-paths.js';
import { numel, type TensorData } from '../tensor/tensor-data.js';
import { encodeNpy, parseNpy } from './npy.js';
import { errorOf } from '../checkpoint/__fixtures__/checkpoint-error-of.js';

/** An .npy file with the given header text (padded like NumPy) and data, format 1.0 or 2.0. */
function npy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const padded = `${header + ' '.repeat(63 - ((pre + header.length) % 64))}\n`;
  const out = new Uint8Array(pre + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), pre);
  out.set(data, pre + padded.length);
  return out;
}


describe('parseNpy', () => {
  const file = readFileSync(sharedFixture('pose/heatmaps.npy'));
  const heatmaps = parseNpy(file);

  it('reads the shared heatmaps fixture', () => {
    expect(heatmaps.dtype).toBe('float32');
    expect(heatmaps.shape).toEqual([2, 17, 64, 48]);
    expect(heatmaps.values).toBeInstanceOf(Float32Array);
    expect(heatmaps.values.length).toBe(numel(heatmaps.shape));
    for (const i of [0, 1, 52223, 104447]) expect(Number.isFinite(heatmaps.values[i])).toBe(true);
    // The data are exactly the bytes after the header.
    const bytes = new Uint8Array(heatmaps.values.buffer);
    expect(Buffer.compare(bytes, file.subarray(file.length - bytes.length))).toBe(0);
  });

  it('round-trips through encodeNpy bit for bit', () => {
    const again = parseNpy(encodeNpy(heatmaps));
    expect(again.shape).toEqual(heatmaps.shape);
    expect(Buffer.compare(new Uint8Array(again.values.buffer), new Uint8Array(heatmaps.values.buffer))).toBe(0);
    expect(Buffer.compare(encodeNpy(heatmaps), file)).toBe(0); // same header text NumPy wrote
  });

  it.each<TensorData>([
    { dtype: 'int32', shape: [2, 3], values: Int32Array.from([1, -2, 3, -4, 5, 2147483647]) },
    { dtype: 'int64', shape: [3], values: BigInt64Array.from([-1n, 2n ** 62n, 0n]) },
    { dtype: 'float64', shape: [], values: Float64Array.from([Math.PI]) },
    { dtype: 'uint8', shape: [0, 4], values: new Uint8Array(0) },
  ])('round-trips $dtype with shape $shape', (t) => {
    const encoded = encodeNpy(t);
    expect((10 + new DataView(encoded.buffer).getUint16(8, true)) % 64).toBe(0);
    expect(parseNpy(encoded)).toEqual(t);
  });

  it('transposes Fortran-order data to C order and reads format 2.0 and big-endian data', () => {
    const f = parseNpy(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(Int32Array.from([1, 4, 2, 5, 3, 6]).buffer), 2));
    expect([...f.values]).toEqual([1, 2, 3, 4, 5, 6]);
    const be = new Uint8Array(4);
    new DataView(be.buffer).setFloat32(0, -1.25, false);
    expect([...parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", be)).values]).toEqual([-1.25]);
  });

  it('widens <f2 to float32 and reads |b1 as bytes', () => {
    const half = parseNpy(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Uint16Array.from([0x3c00, 0xc100]).buffer)));
    expect(half).toEqual({ dtype: 'float16', shape: [2], values: Float32Array.from([1, -2.5]) });
    expect(parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", Uint8Array.from([1, 0]))).dtype).toBe('bool');
  });

  it.each([
    ['a wrong magic', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'BAD_MAGIC'],
    ['a header longer than the file', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)).subarray(0, 40), 'TRUNCATED'],
    ['data shorter than the shape', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new Uint8Array(20)), 'TRUNCATED'],
    ['a huge shape', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", new Uint8Array(4)), 'TRUNCATED'],
    ['a structured dtype', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), 'UNSUPPORTED'],
    ['an unsupported dtype', npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'UNSUPPORTED'],
    ['a missing shape', npy("{'descr': '<f4', 'fortran_order': False, }", new Uint8Array(4)), 'CORRUPT'],
    ['a negative dimension', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(4)), 'CORRUPT'],
    ['format version 4', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4), 4), 'UNSUPPORTED'],
    ['a 9-byte file', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0]), 'TRUNCATED'],
  ])('refuses %s', (_, bytes, code) => {
    expect(errorOf(() => parseNpy(bytes)).code).toBe(code);
  });

  it('refuses to encode values that do not match the shape', () => {
    expect(errorOf(() => encodeNpy({ dtype: 'float32', shape: [2, 2], values: new Float32Array(3) })).code).toBe('CORRUPT');
  });
});
