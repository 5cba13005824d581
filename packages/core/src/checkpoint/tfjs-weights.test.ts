import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends.js';
import type { StateDict, TensorData } from '../tensor/tensor-data.js';
import { sharedFixture } from './__fixtures__/fixture-paths.js';
import { halfToFloat } from './element-decode.js';
import { CheckpointError } from './errors.js';
import { floatToHalf } from './float16.js';
import { readCheckpoint } from './read-checkpoint.js';
import { readTfjsWeights, type TfjsShardSource } from './tfjs-weights-reader.js';
import { encodeTfjsWeights, TFJS_SHARD_BYTES } from './tfjs-weights-writer.js';

const pose = readCheckpoint(readFileSync(sharedFixture('pose/pose_tiny.pth'))).stateDict;

async function errorOf(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof CheckpointError) return e;
    throw new Error(`expected a CheckpointError, got ${String(e)}`);
  }
  throw new Error('expected a CheckpointError, nothing was thrown');
}

const f32 = (shape: number[], values: number[]): TensorData => ({ dtype: 'float32', shape, values: Float32Array.from(values) });
/** Same typed-array type and identical bytes (fast for big arrays, stricter than toEqual about -0 and NaN). */
function expectSameBits(actual: ArrayBufferView, expected: ArrayBufferView, label: string): void {
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(actual.constructor.name, label).toBe(expected.constructor.name);
  expect(bytes(actual).equals(bytes(expected)), label).toBe(true);
}

const f32Entry = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' });

describe('encodeTfjsWeights → readTfjsWeights', () => {
  it('round-trips pose_tiny bit for bit across 37 KB shards that weights straddle; int64 becomes int32', async () => {
    const shardBytes = 37_000;
    const { modelJson, shards } = encodeTfjsWeights(pose, { shardBytes });
    const total = [...pose.values()].reduce((n, t) => n + 4 * t.values.length, 0);
    expect(shards).toHaveLength(Math.ceil(total / shardBytes));
    expect(shards.slice(0, -1).every((s) => s.length === shardBytes)).toBe(true);
    expect(shards.reduce((n, s) => n + s.length, 0)).toBe(total);
    expect(modelJson.weightsManifest[0].paths[0]).toBe(`group1-shard1of${shards.length}.bin`);

    const back = await readTfjsWeights(JSON.parse(JSON.stringify(modelJson)), shards);
    expect(back).toMatchObject({ format: 'tfjs-weights', wrapper: 'none', prefix: null, ignored: [], extras: {} });
    expect([...back.stateDict.keys()]).toEqual([...pose.keys()]);
    expect(back.stateDict.size).toBe(440);
    for (const [name, t] of pose) {
      const got = back.stateDict.get(name)!;
      expect(got.shape, name).toEqual(t.shape);
      if (t.values instanceof BigInt64Array) {
        expect(got.dtype, name).toBe('int32');
        expect([...got.values], name).toEqual([...t.values].map(Number));
      } else {
        expectSameBits(got.values, t.values, name);
      }
    }
  });

  it('float16: half-size shards, every value the nearest-even half of the float32, dtype float16 on read', async () => {
    const { modelJson, shards } = encodeTfjsWeights(pose, { dtype: 'float16' });
    expect(modelJson.weightsManifest[0].weights[0]).toEqual({ name: 'conv1.weight', shape: [64, 3, 3, 3], dtype: 'float32', quantization: { dtype: 'float16' } });
    const back = await readTfjsWeights(modelJson, shards);
    let floats = 0;
    let ints = 0;
    for (const [name, t] of pose) {
      const got = back.stateDict.get(name)!;
      if (t.values instanceof Float32Array) {
        expect(got.dtype).toBe('float16');
        const expected = Float32Array.from(t.values, (v) => halfToFloat(floatToHalf(v)));
        expectSameBits(got.values, expected, name);
        floats += t.values.length;
      } else {
        ints += t.values.length;
      }
    }
    expect(shards.reduce((n, s) => n + s.length, 0)).toBe(2 * floats + 4 * ints);
    expect(shards).toHaveLength(1); // ~0.9 MB < 4 MiB
    expect(TFJS_SHARD_BYTES).toBe(4194304);
  });

  it('TF.js itself (tf.io.decodeWeights) decodes our float32 and float16 shards to the same values', async () => {
    await useBackend('cpu');
    for (const dtype of ['float32', 'float16'] as const) {
      const { modelJson, shards } = encodeTfjsWeights(pose, { dtype, shardBytes: 100_000 });
      const ours = await readTfjsWeights(modelJson, shards);
      const buffers = shards.map((s) => s.slice().buffer);
      const theirs = tf.io.decodeWeights(buffers, modelJson.weightsManifest[0].weights);
      expect(Object.keys(theirs)).toEqual([...ours.stateDict.keys()]);
      for (const [name, t] of ours.stateDict) expectSameBits(theirs[name].dataSync(), t.values, `${dtype} ${name}`);
      tf.dispose(Object.values(theirs));
    }
  });

  it('maps every dtype: float64 → float32, int8/int16/uint8/int64 → int32, bool stays bool; metadata kept', async () => {
    const sd: StateDict = new Map<string, TensorData>([
      ['d', { dtype: 'float64', shape: [2], values: Float64Array.from([Math.PI, -1]) }],
      ['i8', { dtype: 'int8', shape: [2], values: Int8Array.from([-128, 7]) }],
      ['i16', { dtype: 'int16', shape: [1], values: Int16Array.from([-300]) }],
      ['u8', { dtype: 'uint8', shape: [1], values: Uint8Array.from([255]) }],
      ['b', { dtype: 'bool', shape: [3], values: Uint8Array.from([1, 0, 1]) }],
      ['n', { dtype: 'int64', shape: [], values: BigInt64Array.from([-5n]) }],
    ]);
    const { modelJson, shards } = encodeTfjsWeights(sd, { metadata: { source: 'x.pth' } });
    expect(modelJson.weightsManifest[0].weights.map((w) => w.dtype)).toEqual(['float32', 'int32', 'int32', 'int32', 'bool', 'int32']);
    const back = await readTfjsWeights(modelJson, shards);
    expect(back.extras).toEqual({ __metadata__: { source: 'x.pth' } });
    expect(back.stateDict.get('d')!.values).toEqual(Float32Array.from([Math.PI, -1]));
    expect(back.stateDict.get('i8')!.values).toEqual(Int32Array.from([-128, 7]));
    expect(back.stateDict.get('i16')!.values).toEqual(Int32Array.from([-300]));
    expect(back.stateDict.get('u8')!.values).toEqual(Int32Array.from([255]));
    expect(back.stateDict.get('b')).toEqual({ dtype: 'bool', shape: [3], values: Uint8Array.from([1, 0, 1]) });
    expect(back.stateDict.get('n')).toEqual({ dtype: 'int32', shape: [], values: Int32Array.from([-5]) });
  });

  it('refuses an int64 that does not fit int32 and bad options', () => {
    const big: StateDict = new Map([['n', { dtype: 'int64', shape: [1], values: BigInt64Array.from([2n ** 31n]) }]]);
    expect(() => encodeTfjsWeights(big)).toThrow(/int64 tensor 'n' holds 2147483648, outside int32/);
    expect(() => encodeTfjsWeights(pose, { shardBytes: 0 })).toThrow(/shardBytes must be a positive integer/);
    expect(() => encodeTfjsWeights(pose, { dtype: 'int8' as never })).toThrow(/dtype must be 'float32' or 'float16'/);
  });
});

describe('readTfjsWeights on files from other writers', () => {
  const manifest = (weights: unknown[], paths = ['a.bin']) => ({ weightsManifest: [{ paths, weights }] });

  it('undoes uint8 / uint16 affine quantization (int32 rounded) and reads several groups through a loader', async () => {
    const json = {
      modelTopology: {},
      weightsManifest: [
        { paths: ['g1.bin'], weights: [{ name: 'module.q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }] },
        {
          paths: ['g2a.bin', 'g2b.bin'],
          weights: [
            { name: 'module.q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 10 } },
            { name: 'module.qi', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.4, min: 0 } },
          ],
        },
      ],
    };
    const files: Record<string, Uint8Array> = {
      'g1.bin': Uint8Array.from([0, 2, 255]),
      'g2a.bin': new Uint8Array(Uint16Array.from([0, 4]).buffer).subarray(0, 3),
      'g2b.bin': Uint8Array.from([0, 1, 4]), // last byte of the uint16s, then the two uint8 codes
    };
    const loader: TfjsShardSource = async (p) => files[p];
    const back = await readTfjsWeights(json, loader);
    expect(back.prefix).toBe('module.');
    expect(back.stateDict.get('q8')!.values).toEqual(Float32Array.from([-1, 0, 126.5]));
    expect(back.stateDict.get('q16')!.values).toEqual(Float32Array.from([10, 11]));
    expect(back.stateDict.get('qi')).toEqual({ dtype: 'int32', shape: [2], values: Int32Array.from([0, 2]) }); // round(1.6) = 2
  });

  it('fails clearly on short, long or missing shards', async () => {
    const { modelJson, shards } = encodeTfjsWeights(pose, { shardBytes: 300_000 });
    const short = [...shards.slice(0, -1), shards.at(-1)!.subarray(1)];
    const e1 = await errorOf(readTfjsWeights(modelJson, short));
    expect(e1.code).toBe('TRUNCATED');
    expect(e1.message).toMatch(/group 0: its 440 weights need \d+ bytes but its 10 shard file\(s\) \(group1-shard1of10\.bin, …, group1-shard10of10\.bin\) hold \d+/);
    const long = [...shards.slice(0, -1), Uint8Array.from([...shards.at(-1)!, 0])];
    expect((await errorOf(readTfjsWeights(modelJson, long))).code).toBe('CORRUPT');
    const e3 = await errorOf(readTfjsWeights(modelJson, shards.slice(1)));
    expect(e3.message).toMatch(/lists 10 shard file\(s\) but 9 were given/);
    const e4 = await errorOf(readTfjsWeights(modelJson, async (p) => { throw new Error(`404 ${p}`); }));
    expect(e4.code).toBe('IO_ERROR');
    expect(e4.message).toMatch(/cannot load TF.js weight shard 'group1-shard1of10\.bin': 404/);
  });

  it('fails clearly on manifests it cannot trust or decode', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ modelTopology: {} }, 'BAD_MAGIC', /not a TF.js weights manifest.*"weightsManifest"/],
      [[1, 2], 'BAD_MAGIC', /not a TF.js weights manifest/],
      [manifest([{ name: 'x', shape: [1], dtype: 'float64' }]), 'UNSUPPORTED', /weight 0 \('x'\): dtype "float64" is not supported; expected float32, int32 or bool/],
      [manifest([{ name: 's', shape: [1], dtype: 'string' }]), 'UNSUPPORTED', /dtype "string"/],
      [manifest([{ name: 'x', shape: [1], dtype: 'float32', quantization: { dtype: 'int4' } }]), 'UNSUPPORTED', /quantization dtype "int4"/],
      [manifest([{ name: 'x', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }]), 'CORRUPT', /needs finite numbers 'scale' and 'min'/],
      [manifest([{ name: 'x', shape: [1], dtype: 'int32', quantization: { dtype: 'float16' } }]), 'CORRUPT', /float16 quantization needs dtype 'float32'/],
      [manifest([{ name: 'x', shape: [-1], dtype: 'float32' }]), 'CORRUPT', /shape must be a list of non-negative integers/],
      [manifest([{ name: 'x', shape: [1], dtype: 'bool' }, { name: 'x', shape: [1], dtype: 'bool' }]), 'CORRUPT', /'x' appears twice/],
      [manifest([{ name: 'x', shape: [1], dtype: 'bool' }], [7 as never]), 'CORRUPT', /paths must be a list of file names/],
      [manifest([{ name: 'x', shape: [2 ** 40, 2 ** 20], dtype: 'float32' }]), 'SIZE_LIMIT', /'x' of shape \[1099511627776,1048576\] is too large/],
    ];
    for (const [json, code, message] of cases) {
      const e = await errorOf(readTfjsWeights(json, [new Uint8Array(4)]));
      expect(e.code, JSON.stringify(json)).toBe(code);
      expect(e.message).toMatch(message);
    }
    const ok = await readTfjsWeights(manifest([f32Entry('w', [1])]), [new Uint8Array(new Float32Array([2.5]).buffer)]);
    expect(ok.stateDict.get('w')).toEqual(f32([1], [2.5]));
  });
});
