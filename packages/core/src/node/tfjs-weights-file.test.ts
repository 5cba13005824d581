import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFixture } from '../checkpoint/__fixtures__/fixture-paths.js';
import type { CheckpointError } from '../checkpoint/errors.js';
import { readCheckpointFile, readTfjsWeightsFile, writeTfjsWeightsFile } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnetjs-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a CheckpointError'); }, (e: unknown) => e as CheckpointError);

describe('TF.js weights files', () => {
  it('writes model.json + shards into a new folder; readTfjsWeightsFile and readCheckpointFile(.json) read them back', async () => {
    const { stateDict } = await readCheckpointFile(sharedFixture('pose/pose_tiny.pth'));
    const path = join(dir, 'pose-tfjs', 'model.json');
    const written = await writeTfjsWeightsFile(path, stateDict, { shardBytes: 1 << 20 });
    const files = readdirSync(join(dir, 'pose-tfjs')).sort();
    expect(files).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin', 'model.json']);
    expect(written).toBe(files.reduce((n, f) => n + readFileSync(join(dir, 'pose-tfjs', f)).length, 0));
    for (const back of [await readTfjsWeightsFile(path), await readCheckpointFile(path)]) {
      expect(back.format).toBe('tfjs-weights');
      expect([...back.stateDict.keys()]).toEqual([...stateDict.keys()]);
      expect(back.stateDict.get('final_layer.weight')).toEqual(stateDict.get('final_layer.weight'));
    }
  });

  it('names a missing or truncated shard, and refuses shard paths outside the folder', async () => {
    const { stateDict } = await readCheckpointFile(sharedFixture('pose/pose_tiny.pth'));
    const path = join(dir, 'broken', 'model.json');
    await writeTfjsWeightsFile(path, stateDict, { shardBytes: 1 << 20 });
    truncateSync(join(dir, 'broken', 'group1-shard3of3.bin'), 10);
    const truncated = await failure(readTfjsWeightsFile(path));
    expect(truncated.code).toBe('TRUNCATED');
    rmSync(join(dir, 'broken', 'group1-shard2of3.bin'));
    const missing = await failure(readTfjsWeightsFile(path));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toContain(join(dir, 'broken', 'group1-shard2of3.bin'));
    const escaping = join(dir, 'escaping.json');
    writeFileSync(escaping, JSON.stringify({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }));
    expect((await failure(readTfjsWeightsFile(escaping))).message).toMatch(/shard path '..\/..\/etc\/passwd' must be relative to model.json/);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect((await failure(readCheckpointFile(join(dir, 'bad.json')))).message).toMatch(/bad\.json is not valid JSON/);
  });
});
