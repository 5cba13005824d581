import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFixture } from '../checkpoint/__fixtures__/fixture-paths.js';
import { CheckpointError } from '../checkpoint/errors.js';
import { readCheckpointFile, readNpyFile, writeNpyFile } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnetjs-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node file helpers', () => {
  it('reads a checkpoint file', async () => {
    const ckpt = await readCheckpointFile(sharedFixture('pose/pose_tiny_wrapped.pth'));
    expect(ckpt.format).toBe('torch-legacy');
    expect(ckpt.prefix).toBe('module.');
    expect(ckpt.stateDict.get('final_layer.bias')?.dtype).toBe('float32');
  });

  it('names the path of a missing file', async () => {
    const path = join(dir, 'nope.pth');
    const error = await readCheckpointFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe('FILE_NOT_FOUND');
    expect((error as CheckpointError).message).toContain(path);
  });

  it('reports other I/O failures as IO_ERROR', async () => {
    const error = await readNpyFile(dir).catch((e: unknown) => e); // a directory
    expect((error as CheckpointError).code).toBe('IO_ERROR');
    const writeError = await writeNpyFile(join(dir, 'missing', 'x.npy'), { dtype: 'uint8', shape: [1], values: new Uint8Array(1) }).catch((e: unknown) => e);
    expect((writeError as CheckpointError).code).toBe('IO_ERROR');
  });

  it('writes and reads back an .npy file', async () => {
    const maxvals = await readNpyFile(sharedFixture('pose/maxvals.npy'));
    const path = join(dir, 'maxvals.npy');
    await writeNpyFile(path, maxvals);
    expect(await readNpyFile(path)).toEqual(maxvals);
    expect(maxvals.shape).toEqual([1, 17, 1]); // per pose/README.md
  });
});
