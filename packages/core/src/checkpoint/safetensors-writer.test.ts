import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from './__fixtures__/fixture-paths.js';
import { halfToFloat } from './element-decode.js';
import { floatToHalf } from './float16.js';
import { readCheckpoint } from './read-checkpoint.js';
import { encodeSafetensors } from './safetensors-writer.js';

/** Same typed-array type and identical bytes (fast for big arrays, stricter than toEqual about -0 and NaN). */
function expectSameBits(actual: ArrayBufferView, expected: ArrayBufferView, label: string): void {
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(actual.constructor.name, label).toBe(expected.constructor.name);
  expect(bytes(actual).equals(bytes(expected)), label).toBe(true);
}

const pose = readCheckpoint(readFileSync(sharedFixture('pose/pose_tiny.pth'))).stateDict;

/** The JSON header of a safetensors file. */
const headerOf = (bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));

describe('encodeSafetensors { dtype }', () => {
  it('float16 stores every float tensor as F16 (nearest even), keeps int64 num_batches_tracked, and reads back widened', () => {
    const bytes = encodeSafetensors(pose, { source: 'pose_tiny.pth' }, { dtype: 'float16' });
    const header = headerOf(bytes);
    expect(header.__metadata__).toEqual({ source: 'pose_tiny.pth' });
    expect(header['conv1.weight'].dtype).toBe('F16');
    expect(header['bn1.num_batches_tracked'].dtype).toBe('I64');
    const back = readCheckpoint(bytes);
    expect([...back.stateDict.keys()]).toEqual([...pose.keys()]);
    for (const [name, t] of pose) {
      const got = back.stateDict.get(name)!;
      if (t.values instanceof Float32Array) {
        expect(got.dtype).toBe('float16');
        expectSameBits(got.values, Float32Array.from(t.values, (v) => halfToFloat(floatToHalf(v))), name);
      } else {
        expect(got, name).toEqual(t);
      }
    }
    // The data section holds 2 bytes per float and 8 per int64.
    const data = bytes.length - 8 - Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const count = (f: (t: { values: unknown }) => boolean) => [...pose.values()].filter(f).reduce((n, t) => n + t.values.length, 0);
    expect(data).toBe(2 * count((t) => t.values instanceof Float32Array) + 8 * count((t) => t.values instanceof BigInt64Array));
  });

  it('float32 narrows float64 and leaves float32 and integer tensors byte-identical; the default keeps float64', () => {
    const sd = new Map([
      ['d', { dtype: 'float64' as const, shape: [2], values: Float64Array.from([Math.PI, 1e300]) }],
      ['n', { dtype: 'int64' as const, shape: [], values: BigInt64Array.from([3n]) }],
    ]);
    const narrowed = readCheckpoint(encodeSafetensors(sd, undefined, { dtype: 'float32' })).stateDict;
    expect(narrowed.get('d')).toEqual({ dtype: 'float32', shape: [2], values: Float32Array.from([Math.PI, Infinity]) });
    expect(narrowed.get('n')).toEqual(sd.get('n'));
    expect(readCheckpoint(encodeSafetensors(sd)).stateDict.get('d')).toEqual(sd.get('d'));
    expectSameBits(encodeSafetensors(pose, undefined, { dtype: 'float32' }), encodeSafetensors(pose), 'pose_tiny');
  });
});
