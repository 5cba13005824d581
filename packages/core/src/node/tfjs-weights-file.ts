import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { CheckpointError } from '../checkpoint/errors.js';
import type { Checkpoint, ReadCheckpointOptions } from '../checkpoint/read-checkpoint.js';
import { readTfjsWeights } from '../checkpoint/tfjs-weights-reader.js';
import { encodeTfjsWeights, type EncodeTfjsWeightsOptions } from '../checkpoint/tfjs-weights-writer.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { readBytes, writeBytes } from './read-file.js';

/** A shard path must name a file beside (or below) model.json, never elsewhere on disk. */
function shardFile(dir: string, path: string): string {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean.startsWith('..') || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new CheckpointError('CORRUPT', `TF.js weight shard path '${path}' must be relative to model.json, inside its folder`);
  }
  return join(dir, clean);
}

/**
 * Reads a TF.js weights `model.json` and the shard files beside it with {@link readTfjsWeights}.
 * A missing model.json or shard throws `CheckpointError` `FILE_NOT_FOUND` naming the path.
 */
export async function readTfjsWeightsFile(modelJsonPath: string, options?: ReadCheckpointOptions): Promise<Checkpoint> {
  const text = new TextDecoder().decode(await readBytes(modelJsonPath, 'TF.js model.json'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError('CORRUPT', `${modelJsonPath} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const dir = dirname(modelJsonPath);
  return readTfjsWeights(json, (path) => readBytes(shardFile(dir, path), 'TF.js weight shard'), options);
}

/**
 * Writes a state dict as TF.js weights: `model.json` at `modelJsonPath` (its folder is created)
 * and `group1-shardKofN.bin` files beside it. Returns the bytes written (manifest + shards).
 */
export async function writeTfjsWeightsFile(modelJsonPath: string, stateDict: StateDict, options?: EncodeTfjsWeightsOptions): Promise<number> {
  const { modelJson, shards } = encodeTfjsWeights(stateDict, options);
  const dir = dirname(modelJsonPath);
  await mkdir(dir, { recursive: true }).catch((cause: Error) => {
    throw new CheckpointError('IO_ERROR', `cannot create folder ${dir}: ${cause.message}`, { cause });
  });
  const paths = modelJson.weightsManifest[0].paths;
  await Promise.all(shards.map((s, i) => writeBytes(join(dir, paths[i]), s, 'TF.js weight shard')));
  const json = new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`);
  await writeBytes(modelJsonPath, json, 'TF.js model.json');
  return json.length + shards.reduce((n, s) => n + s.length, 0);
}
