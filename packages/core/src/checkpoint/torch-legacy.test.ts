import { describe, expect, it } from 'vitest';
import { concat, f32Bytes, legacyFile, legacyStorage, PickleWriter, stateDictPickle } from './__fixtures__/pickle-writer.js';
import { readCheckpoint } from './read-checkpoint.js';
import { errorOf } from './__fixtures__/checkpoint-error-of.js';


const oneTensor = stateDictPickle([{ name: 'w', key: '140', numel: 3, shape: [3], stride: [1], legacyView: null }]);

describe('torch legacy format', () => {
  it('reads storages from the raw section in key-list order', () => {
    const object = stateDictPickle([
      { name: 'a', key: '20', numel: 2, shape: [2], stride: [1], legacyView: null },
      { name: 'b', key: '100', numel: 1, shape: [], stride: [], storageClass: 'LongStorage', legacyView: null },
    ]);
    // Keys are sorted as strings: '100' before '20'.
    const bytes = legacyFile(object, ['100', '20'], [legacyStorage(1, new Uint8Array(new BigInt64Array([9n]).buffer)), legacyStorage(2, f32Bytes([0.5, -1]))]);
    const ckpt = readCheckpoint(bytes);
    expect(ckpt.format).toBe('torch-legacy');
    expect([...ckpt.stateDict.get('a')!.values]).toEqual([0.5, -1]);
    expect([...ckpt.stateDict.get('b')!.values]).toEqual([9n]);
  });

  it('resolves pre-0.4 storage views (view_metadata) into windows of the root storage', () => {
    const object = stateDictPickle([{ name: 'w', key: 'root', numel: 6, shape: [3], stride: [1], legacyView: ['view', 2, 3] }]);
    const bytes = legacyFile(object, ['root'], [legacyStorage(6, f32Bytes([0, 1, 2, 3, 4, 5]))]);
    expect([...readCheckpoint(bytes).stateDict.get('w')!.values]).toEqual([2, 3, 4]);
    const tooFar = stateDictPickle([{ name: 'w', key: 'root', numel: 6, shape: [3], stride: [1], legacyView: ['view', 5, 3] }]);
    expect(errorOf(() => readCheckpoint(legacyFile(tooFar, ['root'], [legacyStorage(6, f32Bytes([0, 1, 2, 3, 4, 5]))]))).code).toBe('CORRUPT');
  });

  it('refuses a storage element count larger than the rest of the file before allocating', () => {
    const e = errorOf(() => readCheckpoint(legacyFile(oneTensor, ['140'], [legacyStorage(2n ** 40n, f32Bytes([1, 2, 3]))])));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain("storage '140' claims 1099511627776 float32 elements");
    expect(errorOf(() => readCheckpoint(legacyFile(oneTensor, ['140'], [legacyStorage(-1n, f32Bytes([1]))]))).code).toBe('CORRUPT');
  });

  it('refuses key lists naming storages no tensor uses, and tensors whose storage has no data', () => {
    const unknown = errorOf(() => readCheckpoint(legacyFile(oneTensor, ['999'], [legacyStorage(3, f32Bytes([1, 2, 3]))])));
    expect(unknown.code).toBe('CORRUPT');
    expect(unknown.message).toContain("'999'");
    const noData = errorOf(() => readCheckpoint(legacyFile(oneTensor, [], [])));
    expect(noData.code).toBe('CORRUPT');
    expect(noData.message).toContain("storage '140' of tensor 'w' has no data");
  });

  it('checks the magic number and protocol version', () => {
    const notMagic = concat(new PickleWriter().proto(2).int(5).stop().bytes(), oneTensor);
    expect(errorOf(() => readCheckpoint(notMagic)).code).toBe('BAD_MAGIC');
    const good = legacyFile(oneTensor, ['140'], [legacyStorage(3, f32Bytes([1, 2, 3]))]);
    const wrongProtocol = good.slice();
    wrongProtocol[15 + 3] = 0xe8; // BININT2 1001 → 1000
    expect(errorOf(() => readCheckpoint(wrongProtocol)).code).toBe('UNSUPPORTED');
  });
});
