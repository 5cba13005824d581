import type { StateDict, TensorData } from '../tensor/tensor-data.js';
import { HOST_LITTLE_ENDIAN, swapBytes, viewElements } from './element-decode.js';
import { CheckpointError } from './errors.js';
import type { Checkpoint, ReadCheckpointOptions } from './read-checkpoint.js';
import { planPrefixStrip } from './strip-prefix.js';
import { summarizeExtras } from './summarize-extras.js';
import { parseTfjsManifest, TFJS_STORED_BYTES, type TfjsWeightEntry, type TfjsWeightsGroup, weightByteLength } from './tfjs-manifest.js';

/**
 * Where a manifest's shard files come from: their bytes in manifest order (all groups' `paths`
 * flattened), or a loader called with each path as written in the manifest (e.g. a `fetch`
 * relative to model.json's URL).
 */
export type TfjsShardSource = readonly Uint8Array[] | ((path: string) => Promise<Uint8Array | ArrayBuffer>);

const asBytes = (b: Uint8Array | ArrayBuffer) => (b instanceof Uint8Array ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b));

async function loadShards(groups: TfjsWeightsGroup[], source: TfjsShardSource): Promise<Uint8Array[][]> {
  if (typeof source !== 'function') {
    const expected = groups.reduce((n, g) => n + g.paths.length, 0);
    if (source.length !== expected) {
      throw new CheckpointError('CORRUPT', `TF.js weights manifest lists ${expected} shard file(s) but ${source.length} were given`);
    }
    let next = 0;
    return groups.map((g) => g.paths.map(() => asBytes(source[next++])));
  }
  return Promise.all(
    groups.map((g) =>
      Promise.all(
        g.paths.map(async (path) => {
          try {
            return asBytes(await source(path));
          } catch (cause) {
            if (cause instanceof CheckpointError) throw cause;
            throw new CheckpointError('IO_ERROR', `cannot load TF.js weight shard '${path}': ${(cause as Error).message}`, { cause });
          }
        }),
      ),
    ),
  );
}

/** Copies bytes [start, start + length) of a group's shards, which weights may straddle, into a fresh buffer. */
function gather(shards: Uint8Array[], start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let filled = 0;
  let shardStart = 0;
  for (const shard of shards) {
    const from = start + filled - shardStart;
    if (filled < length && from < shard.length) {
      const piece = shard.subarray(Math.max(0, from), Math.max(0, from) + (length - filled));
      out.set(piece, filled);
      filled += piece.length;
    }
    shardStart += shard.length;
  }
  return out;
}

function decode(entry: TfjsWeightEntry, raw: Uint8Array): TensorData {
  const q = entry.quantization;
  const stored = q?.dtype ?? entry.dtype;
  if (!HOST_LITTLE_ENDIAN) swapBytes(raw, TFJS_STORED_BYTES[stored]);
  const shape = entry.shape.slice();
  if (q === undefined) return { dtype: entry.dtype, shape, values: viewElements(raw, entry.dtype) };
  // float16 widens to float32 as the checkpoint reader does for HalfStorage; dtype keeps what the file held.
  if (q.dtype === 'float16') return { dtype: 'float16', shape, values: viewElements(raw, 'float16') };
  const codes = q.dtype === 'uint8' ? raw : new Uint16Array(raw.buffer, 0, raw.length / 2);
  const scale = q.scale as number;
  const min = q.min as number;
  if (entry.dtype === 'int32') return { dtype: 'int32', shape, values: Int32Array.from(codes, (v) => Math.round(v * scale + min)) };
  return { dtype: 'float32', shape, values: Float32Array.from(codes, (v) => v * scale + min) };
}

function readGroup(group: TfjsWeightsGroup, shards: Uint8Array[], gi: number, into: Array<[string, TensorData]>): void {
  const available = shards.reduce((n, s) => n + s.length, 0);
  const needed = group.weights.reduce((n, w) => n + weightByteLength(w), 0);
  const names = group.paths.length <= 3 ? group.paths.join(', ') : `${group.paths[0]}, …, ${group.paths.at(-1)}`;
  const files = `${shards.length} shard file(s) (${names})`;
  if (needed > available) {
    throw new CheckpointError('TRUNCATED', `TF.js weights group ${gi}: its ${group.weights.length} weights need ${needed} bytes but its ${files} hold ${available}`);
  }
  if (needed < available) {
    throw new CheckpointError('CORRUPT', `TF.js weights group ${gi}: its ${files} hold ${available} bytes but its ${group.weights.length} weights need ${needed}`);
  }
  let offset = 0;
  for (const w of group.weights) {
    const length = weightByteLength(w);
    into.push([w.name, decode(w, gather(shards, offset, length))]);
    offset += length;
  }
}

/**
 * Reads a TF.js weights manifest (`model.json` parsed, with or without a model topology) and its
 * binary shards into the same {@link Checkpoint} {@link readCheckpoint} returns: names as in the
 * manifest (an all-keys `module.` prefix stripped likewise), float16 widened to float32, uint8 /
 * uint16 quantization undone. Browser-safe: shards come as bytes or from a loader you pass.
 * Shard sizes must match the manifest exactly; every failure is a `CheckpointError`.
 *
 * @example
 * const json = await (await fetch(url)).json();
 * const ckpt = await readTfjsWeights(json, async (p) => new Uint8Array(await (await fetch(new URL(p, url))).arrayBuffer()));
 */
export async function readTfjsWeights(modelJson: unknown, shards: TfjsShardSource, options: ReadCheckpointOptions = {}): Promise<Checkpoint> {
  const { groups, metadata } = parseTfjsManifest(modelJson);
  const bytes = await loadShards(groups, shards);
  const entries: Array<[string, TensorData]> = [];
  groups.forEach((g, gi) => readGroup(g, bytes[gi], gi, entries));
  const plan = options.stripPrefix === false ? { prefix: null, ignored: [] } : planPrefixStrip(entries.map(([n]) => n));
  const ignored = new Set(plan.ignored);
  const cut = plan.prefix?.length ?? 0;
  const stateDict: StateDict = new Map();
  for (const [name, t] of entries) if (!ignored.has(name)) stateDict.set(name.slice(cut), t);
  const extras = summarizeExtras(metadata === undefined ? [] : [['__metadata__', metadata]]);
  return { format: 'tfjs-weights', wrapper: 'none', prefix: plan.prefix, stateDict, ignored: plan.ignored, extras };
}
