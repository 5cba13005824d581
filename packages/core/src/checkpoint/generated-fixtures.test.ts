import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../tensor/tensor-data.js';
import { localFixture } from './__fixtures__/fixture-paths.js';
import { CheckpointError } from './errors.js';
import { readCheckpoint } from './read-checkpoint.js';

// expected.json is written by gen_fixtures.py from what PyTorch itself holds for each file.
interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface ExpectedFile {
  format?: string;
  wrapper?: string;
  prefix?: string | null;
  ignored?: string[];
  extras?: Record<string, unknown>;
  tensors?: Record<string, ExpectedTensor>;
  error?: string;
  message_includes?: string;
}
const expected: { files: Record<string, ExpectedFile> } = JSON.parse(readFileSync(localFixture('expected.json'), 'utf8'));
const load = (name: string) => readCheckpoint(readFileSync(localFixture(name)));

/** JSON spelling of a value → what the reader must hold (int64 as decimal strings). */
function expectedValue(dtype: string, v: number | string): number | string {
  if (dtype === 'int64') return v;
  return typeof v === 'string' ? Number(v) : v; // 'NaN', 'Infinity', '-Infinity'
}

function actualValues(t: TensorData): (number | string)[] {
  return Array.from(t.values as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
}

const ok = Object.entries(expected.files).filter(([, e]) => e.error === undefined);
const failing = Object.entries(expected.files).filter(([, e]) => e.error !== undefined);

describe('generated fixtures (gen_fixtures.py, PyTorch 1.13)', () => {
  it('has both readable and refused fixtures', () => {
    expect(ok.length).toBeGreaterThanOrEqual(8);
    expect(failing.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ok)('%s: format, wrapper, prefix, ignored keys and extras', (name, exp) => {
    const ckpt = load(name);
    expect(ckpt.format).toBe(exp.format);
    expect(ckpt.wrapper).toBe(exp.wrapper);
    expect(ckpt.prefix).toBe(exp.prefix);
    expect(ckpt.ignored).toEqual(exp.ignored);
    expect(ckpt.extras).toEqual(exp.extras);
  });

  it.each(ok)('%s: every tensor exactly (dtype, shape, row-major values, order)', (name, exp) => {
    const ckpt = load(name);
    const tensors = Object.entries(exp.tensors ?? {});
    expect([...ckpt.stateDict.keys()]).toEqual(tensors.map(([k]) => k));
    for (const [key, want] of tensors) {
      const got = ckpt.stateDict.get(key)!;
      expect({ key, dtype: got.dtype, shape: got.shape }).toEqual({ key, dtype: want.dtype, shape: want.shape });
      // toEqual compares numbers with Object.is: -0 vs 0 and NaN are checked exactly.
      expect(actualValues(got)).toEqual(want.values.map((v) => expectedValue(want.dtype, v)));
    }
  });

  it.each(failing)('%s is refused with the expected error', (name, exp) => {
    let error: unknown;
    try {
      load(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe(exp.error);
    expect((error as CheckpointError).message).toContain(exp.message_includes);
  });

  it('widens float16 / bfloat16 to Float32Array and keeps float64 / int64 typed arrays', () => {
    const sd = load('values.pth').stateDict;
    expect(sd.get('f16')!.values).toBeInstanceOf(Float32Array);
    expect(sd.get('bf16')!.values).toBeInstanceOf(Float32Array);
    expect(sd.get('f64')!.values).toBeInstanceOf(Float64Array);
    expect(sd.get('i64')!.values).toBeInstanceOf(BigInt64Array);
    expect(sd.get('bool')!.values).toBeInstanceOf(Uint8Array);
  });

  it('returns independent copies for tensors that share a storage', () => {
    const sd = load('values.pth').stateDict;
    const base = sd.get('base')!.values as Float32Array;
    const view = sd.get('offset_view')!.values as Float32Array;
    expect(view[0]).toBe(base[2]);
    view[0] = -1;
    expect(base[2]).not.toBe(-1);
  });

  it('can keep prefixes when asked', () => {
    const ckpt = readCheckpoint(readFileSync(localFixture('seg_fullmodel.pth')), { stripPrefix: false });
    expect(ckpt.prefix).toBeNull();
    expect(ckpt.ignored).toEqual([]);
    expect([...ckpt.stateDict.keys()]).toContain('loss.criterion.weight');
  });
});
