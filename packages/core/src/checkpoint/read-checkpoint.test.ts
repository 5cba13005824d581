import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numel } from '../tensor/tensor-data.js';
import { sharedFixture } from './__fixtures__/fixture-paths.js';
import { tensorDigest, valueBytes } from './__fixtures__/tensor-digest.js';
import { readCheckpoint, type Checkpoint } from './read-checkpoint.js';

const read = (relative: string): Checkpoint => readCheckpoint(readFileSync(sharedFixture(relative)));
const json = (relative: string) => JSON.parse(readFileSync(sharedFixture(relative), 'utf8'));

/** The manifest's tensor_digest for a checkpoint file of a fixture folder. */
function manifestDigest(folder: string, file: string): string {
  const entry = json(`${folder}/manifest.json`).files.find((f: { file: string }) => f.file === file);
  if (!entry?.tensor_digest) throw new Error(`no tensor_digest for ${folder}/${file}`);
  return entry.tensor_digest;
}

describe('shared pose fixtures: zip, legacy and wrapped legacy agree', () => {
  const zip = read('pose/pose_tiny.pth');
  const legacy = read('pose/pose_tiny_legacy.pth');
  const wrapped = read('pose/pose_tiny_wrapped.pth');

  it('detects each container and wrapper', () => {
    expect([zip.format, legacy.format, wrapped.format]).toEqual(['torch-zip', 'torch-legacy', 'torch-legacy']);
    expect([zip.wrapper, legacy.wrapper, wrapped.wrapper]).toEqual(['none', 'none', 'state_dict']);
    expect([zip.prefix, legacy.prefix, wrapped.prefix]).toEqual([null, null, 'module.']);
    expect(wrapped.extras).toEqual({ epoch: 3 });
    expect(zip.extras).toEqual({});
    expect(zip.ignored).toEqual([]);
  });

  it('gives identical key lists and bit-identical values', () => {
    const keys = [...zip.stateDict.keys()];
    expect(keys.length).toBeGreaterThan(0);
    for (const other of [legacy, wrapped]) {
      expect([...other.stateDict.keys()]).toEqual(keys);
      for (const key of keys) {
        const a = zip.stateDict.get(key)!;
        const b = other.stateDict.get(key)!;
        expect(b.dtype).toBe(a.dtype);
        expect(b.shape).toEqual(a.shape);
        expect(Buffer.compare(valueBytes(a), valueBytes(b))).toBe(0);
      }
    }
  });

  it('matches the oracle manifest digest (keys, dtypes, shapes, bytes)', () => {
    const digest = manifestDigest('pose', 'pose_tiny.pth');
    expect(tensorDigest(zip.stateDict)).toBe(digest);
    expect(tensorDigest(legacy.stateDict)).toBe(manifestDigest('pose', 'pose_tiny_legacy.pth'));
    expect(tensorDigest(wrapped.stateDict)).toBe(manifestDigest('pose', 'pose_tiny_wrapped.pth'));
  });

  it('agrees with pose_tiny_config.json', () => {
    const config = json('pose/pose_tiny_config.json');
    const extra = config.MODEL.EXTRA;
    const finalShape = [config.MODEL.NUM_JOINTS, extra.STAGE4.NUM_CHANNELS[0], extra.FINAL_CONV_KERNEL, extra.FINAL_CONV_KERNEL];
    expect(zip.stateDict.get('final_layer.weight')?.shape).toEqual(finalShape);
    const isBuffer = (k: string) => /\.(running_mean|running_var|num_batches_tracked)$/.test(k);
    let params = 0;
    for (const [k, t] of zip.stateDict) if (!isBuffer(k)) params += numel(t.shape);
    expect(params).toBe(config.num_params);
  });

  it('reads num_batches_tracked as int64 scalars and weights as float32', () => {
    const counters = [...zip.stateDict].filter(([k]) => k.endsWith('num_batches_tracked'));
    expect(counters.length).toBeGreaterThan(0);
    for (const [, t] of counters) {
      expect(t.dtype).toBe('int64');
      expect(t.shape).toEqual([]);
      expect(t.values).toBeInstanceOf(BigInt64Array);
      expect(t.values.length).toBe(1);
    }
    const conv = zip.stateDict.get('conv1.weight')!;
    expect(conv.values).toBeInstanceOf(Float32Array);
    expect(conv.values.length).toBe(numel(conv.shape));
  });
});

describe('shared seg and det fixtures', () => {
  it.each([
    ['seg', 'seg_tiny.pth'],
    ['det', 'det_tiny.pth'],
    ['det', 'faster_rcnn_tiny_heads.pth'],
  ])('%s/%s matches its manifest digest', (folder, file) => {
    const ckpt = read(`${folder}/${file}`);
    expect(ckpt.format).toBe('torch-zip');
    expect(ckpt.wrapper).toBe('none');
    expect(tensorDigest(ckpt.stateDict)).toBe(manifestDigest(folder, file));
  });

  it('keeps mmdet backbone./neck. prefixes (they are module names)', () => {
    const det = read('det/det_tiny.pth');
    expect(det.prefix).toBeNull();
    const keys = [...det.stateDict.keys()];
    expect(keys.some((k) => k.startsWith('backbone.'))).toBe(true);
    expect(keys.every((k) => k.startsWith('backbone.') || k.startsWith('neck.'))).toBe(true);
  });
});
