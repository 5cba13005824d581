import { describe, expect, it } from 'vitest';
import { f32Bytes, PickleWriter, stateDictPickle, type TensorSpec } from './__fixtures__/pickle-writer.js';
import { buildZip, torchZip } from './__fixtures__/zip-writer.js';
import { readCheckpoint } from './read-checkpoint.js';
import { errorOf } from './__fixtures__/checkpoint-error-of.js';

const read = (bytes: Uint8Array) => readCheckpoint(bytes);
const zipOf = (specs: TensorSpec[], storages: Record<string, Uint8Array>, prefix?: string) =>
  torchZip(stateDictPickle(specs), storages, prefix).bytes;


describe('torch zip format', () => {
  it('finds the archive folder by its data.pkl, whatever it is called', () => {
    const bytes = zipOf([{ name: 'w', numel: 2, shape: [2], stride: [1] }], { '0': f32Bytes([1, 2]) }, 'any name');
    expect([...read(bytes).stateDict.get('w')!.values]).toEqual([1, 2]);
  });

  it('applies storage offsets and strides (a transposed view of a shared storage)', () => {
    const bytes = zipOf(
      [
        { name: 'base', key: '0', numel: 6, shape: [2, 3], stride: [3, 1] },
        { name: 't', key: '0', numel: 6, shape: [3, 2], stride: [1, 3] },
        { name: 'tail', key: '0', numel: 6, offset: 4, shape: [2], stride: [1] },
      ],
      { '0': f32Bytes([0, 1, 2, 3, 4, 5]) },
    );
    const sd = read(bytes).stateDict;
    expect([...sd.get('t')!.values]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...sd.get('tail')!.values]).toEqual([4, 5]);
  });

  it('says which storage is short and what the tensor needed', () => {
    const bytes = zipOf([{ name: 'stage2.0.branches.0.0.conv1.weight', key: '12', numel: 576, shape: [8, 8, 3, 3], stride: [72, 9, 3, 1] }], {
      '12': new Uint8Array(40),
    });
    const e = errorOf(() => read(bytes));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toBe(
      "storage 'data/12' holds 40 bytes but tensor 'stage2.0.branches.0.0.conv1.weight' needs 2304 (offset 0, shape [8,8,3,3], stride [72,9,3,1], float32)",
    );
  });

  it('refuses a storage claiming 2^40 elements before allocating', () => {
    const bytes = zipOf([{ name: 'w', numel: 2n ** 40n, shape: [2n ** 40n], stride: [1] }], { '0': f32Bytes([1, 2]) });
    expect(errorOf(() => read(bytes)).code).toBe('TRUNCATED');
  });

  it('refuses views reaching past their storage', () => {
    const bytes = zipOf([{ name: 'w', numel: 4, offset: 2, shape: [2, 2], stride: [2, 1] }], { '0': f32Bytes([1, 2, 3, 4]) });
    const e = errorOf(() => read(bytes));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain("tensor 'w' reaches element 5 of storage 'data/0', which has 4 elements");
  });

  it.each([
    ['a negative size', { shape: [-2], stride: [1] }, 'CORRUPT'],
    ['a negative stride', { shape: [2], stride: [-1] }, 'CORRUPT'],
    ['a size beyond 2^53', { shape: [2n ** 60n], stride: [1] }, 'CORRUPT'],
    ['size/stride rank mismatch', { shape: [2, 1], stride: [1] }, 'CORRUPT'],
    ['overlapping strides that expand a tiny storage', { shape: [2 ** 26, 2 ** 26], stride: [0, 0] }, 'SIZE_LIMIT'],
    ['an offset beyond 2^53', { offset: 2n ** 63n - 1n, shape: [1], stride: [1] }, 'CORRUPT'],
  ] as const)('refuses %s', (_, spec, code) => {
    const bytes = zipOf([{ name: 'w', numel: 2, ...spec }], { '0': f32Bytes([1, 2]) });
    expect(errorOf(() => read(bytes)).code).toBe(code);
  });

  it('keeps an empty tensor and a scalar', () => {
    const sd = read(
      zipOf(
        [
          { name: 'empty', key: '0', numel: 0, shape: [0, 3], stride: [3, 1] },
          { name: 'scalar', key: '1', numel: 1, shape: [], stride: [], storageClass: 'LongStorage' },
        ],
        { '0': new Uint8Array(0), '1': new Uint8Array(new BigInt64Array([-5n]).buffer) },
      ),
    ).stateDict;
    expect(sd.get('empty')).toEqual({ dtype: 'float32', shape: [0, 3], values: new Float32Array(0) });
    expect(sd.get('scalar')).toEqual({ dtype: 'int64', shape: [], values: new BigInt64Array([-5n]) });
  });

  it('reads big-endian storages when <prefix>/byteorder says so', () => {
    const pickle = stateDictPickle([{ name: 'w', numel: 2, shape: [2], stride: [1] }]);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -3, false);
    const bytes = buildZip([
      { name: 'archive/data.pkl', data: pickle },
      { name: 'archive/byteorder', data: new TextEncoder().encode('big') },
      { name: 'archive/data/0', data: be },
    ]).bytes;
    expect([...read(bytes).stateDict.get('w')!.values]).toEqual([1.5, -3]);
  });

  it('reports archive-level problems clearly', () => {
    const noPickle = buildZip([{ name: 'archive/data/0', data: f32Bytes([1]) }]).bytes;
    expect(errorOf(() => read(noPickle)).code).toBe('BAD_MAGIC');
    const missing = torchZip(stateDictPickle([{ name: 'w', numel: 1, shape: [1], stride: [1] }]), {}).bytes;
    const e = errorOf(() => read(missing));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain("storage 'data/0' is missing");
    const badOrder = buildZip([
      { name: 'archive/data.pkl', data: stateDictPickle([]) },
      { name: 'archive/byteorder', data: new TextEncoder().encode('middle') },
    ]).bytes;
    expect(errorOf(() => read(badOrder)).code).toBe('CORRUPT');
  });

  it('refuses inconsistent or unsupported storages', () => {
    const twoTypes = zipOf(
      [
        { name: 'a', key: '0', numel: 1, shape: [1], stride: [1] },
        { name: 'b', key: '0', numel: 1, shape: [1], stride: [1], storageClass: 'IntStorage' },
      ],
      { '0': f32Bytes([1]) },
    );
    expect(errorOf(() => read(twoTypes)).code).toBe('UNSUPPORTED');
    const complex = zipOf([{ name: 'a', numel: 1, shape: [1], stride: [1], storageClass: 'ComplexFloatStorage' }], { '0': new Uint8Array(8) });
    expect(errorOf(() => read(complex)).code).toBe('UNSUPPORTED');
    const badPid = new PickleWriter().proto(2).emptyDict().str('w').global('torch._utils', '_rebuild_tensor_v2');
    badPid.mark().mark().str('storage').global('torch', 'FloatStorage').tuple().binpersid().int(0).ints([1]).ints([1]).bool(false).none().tuple().reduce();
    const e = errorOf(() => read(torchZip(badPid.raw(0x73).stop().bytes(), {}).bytes));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('5-tuple');
  });

  it('refuses a top-level object that is not a dict of tensors', () => {
    const list = torchZip(new PickleWriter().proto(2).emptyList().stop().bytes(), {}).bytes;
    expect(errorOf(() => read(list)).code).toBe('NOT_STATE_DICT');
    const mixed = torchZip(new PickleWriter().proto(2).emptyDict().str('epoch').int(3).raw(0x73).stop().bytes(), {}).bytes;
    const e = errorOf(() => read(mixed));
    expect(e.code).toBe('NOT_STATE_DICT');
    expect(e.message).toBe(
      "no state_dict found: the top-level dict entry 'epoch' (int) is not a tensor; expected a dict of tensors, optionally under 'state_dict' / 'model' / 'state_dict_ema'",
    );
  });
});

describe('storage size claims', () => {
  it('refuses a storage claiming more elements than its entry holds, even if the tensor fits', () => {
    const bytes = zipOf([{ name: 'w', numel: 1000, shape: [2], stride: [1] }], { '0': f32Bytes([1, 2]) });
    const e = errorOf(() => read(bytes));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toBe("storage 'data/0' holds 8 bytes but claims 1000 float32 elements (4000 bytes)");
  });
});
