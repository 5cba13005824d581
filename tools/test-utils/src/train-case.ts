import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { difference } from './compare.js';
import { repoRoot } from './fixtures.js';

/** A training oracle case of tools/oracle/gen_train.py (`tools/oracle/cases/train_*`). */
export interface TrainCase {
  name: string;
  dir: string;
  /** manifest.json as written by gen_train.py (losses, file names, settings). */
  // biome-ignore lint/suspicious/noExplicitAny: each case's manifest has its own layout; the tests read the fields they know.
  manifest: Record<string, any>;
  /** A file's path inside the case folder. */
  path(file: string): string;
  /** A file's bytes (`.gz` files decompressed). */
  bytes(file: string): Uint8Array;
}

/** Reads `tools/oracle/cases/<name>`. */
export function trainCase(name: string): TrainCase {
  const dir = join(repoRoot(), 'tools', 'oracle', 'cases', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TrainCase['manifest'];
  return {
    name,
    dir,
    manifest,
    path: (file) => join(dir, file),
    bytes: (file) => {
      const raw = new Uint8Array(readFileSync(join(dir, file)));
      return file.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : raw;
    },
  };
}

/** Float tensors keyed by state-dict name (a checkpoint's state dict, our exported values…). */
type Named = ReadonlyMap<string, { shape: readonly number[]; values: ArrayLike<number> | BigInt64Array }>;

/**
 * max |ours − official| / std(official) for every float entry of `official` (integer entries such
 * as `num_batches_tracked` are left to the caller). Throws when ours lacks an entry or its shape differs.
 */
export function namedDifferences(ours: Named, official: Named): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, expected] of official) {
    if (expected.values instanceof BigInt64Array) continue;
    const actual = ours.get(key);
    if (!actual) throw new Error(`ours has no '${key}'`);
    if (actual.shape.join('×') !== expected.shape.join('×')) throw new Error(`${key}: shape ${actual.shape.join('×')} vs official ${expected.shape.join('×')}`);
    out[key] = difference(actual.values as ArrayLike<number>, expected.values).relToStd;
  }
  return out;
}
