import { describe, expect, it } from 'vitest';
import { concat, f32Bytes } from './__fixtures__/pickle-writer.js';
import { readCheckpoint } from './read-checkpoint.js';
import { readSafetensors } from './safetensors.js';
import { errorOf } from './__fixtures__/checkpoint-error-of.js';

/** A safetensors file from a header object and a data section. */
function safetensors(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat(length, json, data);
}


const data = f32Bytes([1, 2, 3, 4, 5, 6]);

describe('safetensors', () => {
  it('orders tensors by data offset (integer-like names included) and keeps __metadata__ as an extra', () => {
    const bytes = safetensors(
      {
        __metadata__: { format: 'pt' },
        '10': { dtype: 'F32', shape: [2], data_offsets: [16, 24] },
        b: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
      },
      data,
    );
    const ckpt = readCheckpoint(bytes);
    expect(ckpt.format).toBe('safetensors');
    expect([...ckpt.stateDict.keys()]).toEqual(['b', '10']);
    expect([...ckpt.stateDict.get('10')!.values]).toEqual([5, 6]);
    expect(ckpt.extras).toEqual({ __metadata__: { format: 'pt' } });
  });

  it.each([
    ['data_offsets past the data', { w: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }, 'CORRUPT'],
    ['a shape that does not match the byte span', { w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 'CORRUPT'],
    ['a negative dimension', { w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 'CORRUPT'],
    ['reversed offsets', { w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 'CORRUPT'],
    ['an unsupported dtype', { w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 'UNSUPPORTED'],
    ['a non-object entry', { w: 3 }, 'CORRUPT'],
    ['a huge shape', { w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 24] } }, 'CORRUPT'],
  ])('refuses %s', (_, header, code) => {
    expect(errorOf(() => readCheckpoint(safetensors(header, data))).code).toBe(code);
  });

  it('refuses a header length beyond the file', () => {
    const claimed = safetensors({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, data);
    new DataView(claimed.buffer).setUint32(4, 1, true); // + 2^32
    // Sniffing no longer recognises it; the reader itself reports the bad length.
    expect(errorOf(() => readCheckpoint(claimed)).code).toBe('BAD_MAGIC');
    const e = errorOf(() => readSafetensors(claimed));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('4294967');
    expect(errorOf(() => readSafetensors(new Uint8Array(5))).code).toBe('TRUNCATED');
  });

  it('refuses a header that is not a JSON object', () => {
    expect(errorOf(() => readCheckpoint(safetensors(null, data, '{"w": [1, 2'))).code).toBe('CORRUPT');
    expect(errorOf(() => readSafetensors(safetensors([1], data))).code).toBe('CORRUPT');
    const badMeta = safetensors({ __metadata__: 'x' }, data);
    expect(errorOf(() => readCheckpoint(badMeta)).code).toBe('CORRUPT');
  });

  it('reads an empty file as an empty state dict', () => {
    const ckpt = readCheckpoint(safetensors({}, new Uint8Array(0)));
    expect(ckpt.stateDict.size).toBe(0);
    expect(ckpt.wrapper).toBe('none');
  });
});

describe('encodeSafetensors', () => {
  it('round-trips every typed array through readCheckpoint, with metadata and 8-byte aligned data', async () => {
    const { readCheckpoint } = await import('./read-checkpoint.js');
    const { encodeSafetensors } = await import('./safetensors-writer.js');
    const sd = new Map([
      ['a.weight', { dtype: 'float32' as const, shape: [2, 3], values: Float32Array.from([1, -2, 3.5, 0, 1e-8, 7]) }],
      ['b.count', { dtype: 'int64' as const, shape: [], values: BigInt64Array.from([42n]) }],
      ['c.double', { dtype: 'float64' as const, shape: [2], values: Float64Array.from([Math.PI, -1]) }],
    ]);
    const bytes = encodeSafetensors(sd, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = readCheckpoint(bytes);
    expect(back.format).toBe('safetensors');
    expect([...back.stateDict.keys()]).toEqual(['a.weight', 'b.count', 'c.double']);
    expect(Array.from(back.stateDict.get('a.weight')!.values as Float32Array)).toEqual([1, -2, 3.5, 0, Math.fround(1e-8), 7]);
    expect(back.stateDict.get('b.count')!.values).toEqual(BigInt64Array.from([42n]));
    expect(Array.from(back.stateDict.get('c.double')!.values as Float64Array)).toEqual([Math.PI, -1]);
  });
});
