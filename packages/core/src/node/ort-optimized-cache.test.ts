import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig, StageConfig } from '../config/types.js';
import { BackboneModel } from '../model/backbone-model.js';
import { randomizeWeights } from '../nn/randomize-weights.js';
import type { HostTensor, OnnxSession } from '../onnx/engine.js';
import { createOrtSession } from './onnxruntime.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnet-ort-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stage = (branches: number, channels: number[]): StageConfig => ({
  numModules: 1,
  numBranches: branches,
  block: 'BASIC',
  numBlocks: Array(branches).fill(1),
  numChannels: channels,
  fuseMethod: 'SUM',
});

/** A small HRNet backbone (random weights) exported to ONNX: bytes and a file holding them. */
function tinyBackboneOnnx(seed: number): { bytes: Uint8Array; path: string } {
  const config = {
    name: 'cache-test',
    family: 'seg',
    backbone: {
      stage1: { ...stage(1, [8]), block: 'BOTTLENECK' },
      stages: [stage(2, [8, 16]), stage(3, [8, 16, 24])],
      upsample: 'nearest',
      alignCorners: false,
      multiScaleOutput: true,
      batchNorm: 'standard',
    },
    head: { type: 'none' },
  } as unknown as ModelConfig;
  const model = new BackboneModel(config);
  randomizeWeights(model, seed);
  const bytes = model.toOnnx();
  model.dispose();
  const path = join(dir, `tiny-${seed}.onnx`);
  writeFileSync(path, bytes);
  return { bytes, path };
}

const input: HostTensor = { data: Float32Array.from({ length: 2 * 64 * 48 * 3 }, (_, i) => Math.sin(i * 0.37)), dims: [2, 64, 48, 3] };

async function outputsOf(session: OnnxSession): Promise<Float32Array[]> {
  try {
    return Object.values(await session.run({ input })).map((t) => t.data);
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.map((t) => t.length)).toEqual(b.map((t) => t.length));
  let max = 0;
  a.forEach((t, i) => t.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
  return max;
}

const entries = (cache: string) => readdirSync(cache).filter((name) => !name.includes('.tmp-'));

describe('optimizedModelCache: the graph onnxruntime optimized for this CPU, saved and reloaded', () => {
  const { bytes, path } = tinyBackboneOnnx(11);
  const cache = join(dir, 'cache');

  it('the first session writes one entry (graph + external weights); its outputs equal an uncached session', async () => {
    const plain = await outputsOf(await createOrtSession(bytes, { intraOpNumThreads: 1 }));
    const cached = await outputsOf(await createOrtSession(bytes, { intraOpNumThreads: 1, optimizedModelCache: cache }));
    expect(entries(cache)).toHaveLength(1);
    const entry = join(cache, entries(cache)[0]);
    expect(readdirSync(entry).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    // The weights live in the external file, the graph file holds only the structure.
    expect(statSync(join(entry, 'model.onnx.data')).size).toBeGreaterThan(0.9 * bytes.length);
    expect(statSync(join(entry, 'model.onnx')).size).toBeLessThan(0.2 * bytes.length);
    // Same kernels on the same weights: equal up to float summation order.
    expect(maxAbsDiff(plain, cached)).toBeLessThan(1e-5);
  });

  it('a path with the same bytes reuses the entry without rewriting it', async () => {
    const entry = join(cache, entries(cache)[0]);
    const written = statSync(join(entry, 'model.onnx')).mtimeMs;
    const fromBytes = await outputsOf(await createOrtSession(bytes, { intraOpNumThreads: 1, optimizedModelCache: cache }));
    const fromPath = await outputsOf(await createOrtSession(path, { intraOpNumThreads: 1, optimizedModelCache: cache }));
    expect(entries(cache)).toHaveLength(1);
    expect(statSync(join(entry, 'model.onnx')).mtimeMs).toBe(written);
    expect(maxAbsDiff(fromBytes, fromPath)).toBe(0);
  });

  it('a damaged entry (truncated weights) is rewritten, and the session still gives the right outputs', async () => {
    const entry = join(cache, entries(cache)[0]);
    const size = statSync(join(entry, 'model.onnx.data')).size;
    truncateSync(join(entry, 'model.onnx.data'), 100);
    const plain = await outputsOf(await createOrtSession(bytes, { intraOpNumThreads: 1 }));
    const cached = await outputsOf(await createOrtSession(bytes, { intraOpNumThreads: 1, optimizedModelCache: cache }));
    expect(statSync(join(entry, 'model.onnx.data')).size).toBe(size);
    expect(maxAbsDiff(plain, cached)).toBeLessThan(1e-5);
  });

  it('another model gets its own entry', async () => {
    const other = tinyBackboneOnnx(12);
    await outputsOf(await createOrtSession(other.path, { intraOpNumThreads: 1, optimizedModelCache: cache }));
    expect(entries(cache)).toHaveLength(2);
  });

  it('a cache folder that cannot be created is a clear error naming it', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    await expect(createOrtSession(bytes, { intraOpNumThreads: 1, optimizedModelCache: join(blocker, 'cache') })).rejects.toThrow(
      /cache folder .*a-file\/cache/,
    );
  });
});
