import { CheckpointError } from './errors.js';

/**
 * One weight of a TF.js weights manifest (`tf.io.WeightsManifestEntry`). float16 weights are
 * `dtype: 'float32'` with `quantization: { dtype: 'float16' }`, exactly as TF.js and
 * `tensorflowjs_converter --quantize_float16` write them; uint8 / uint16 quantization is affine
 * (`q * scale + min`).
 */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

/** One group of a manifest: its weights are stored back to back across the group's shard files, in order. */
export interface TfjsWeightsGroup {
  /** Shard file names, relative to model.json. */
  paths: string[];
  weights: TfjsWeightEntry[];
}

/** A weights-only `model.json` (no model topology): what {@link encodeTfjsWeights} writes. */
export interface TfjsWeightsJson {
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  weightsManifest: TfjsWeightsGroup[];
  userDefinedMetadata?: Record<string, string>;
}

/** Bytes per stored element, by manifest dtype or quantization dtype. */
export const TFJS_STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint16: 2, uint8: 1 };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function corrupt(where: string, message: string): never {
  throw new CheckpointError('CORRUPT', `TF.js weights manifest ${where}: ${message}`);
}

function checkQuantization(where: string, dtype: string, q: unknown): TfjsWeightEntry['quantization'] {
  if (q === undefined) return undefined;
  if (!isObject(q)) corrupt(where, 'quantization must be an object');
  if (q.dtype === 'float16') {
    if (dtype !== 'float32') corrupt(where, `float16 quantization needs dtype 'float32', got '${dtype}'`);
    return { dtype: 'float16' };
  }
  if (q.dtype === 'uint8' || q.dtype === 'uint16') {
    if (dtype === 'bool') corrupt(where, `${q.dtype} quantization applies to float32 or int32 weights, not bool`);
    if (typeof q.scale !== 'number' || typeof q.min !== 'number' || !Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
      corrupt(where, `${q.dtype} quantization needs finite numbers 'scale' and 'min'`);
    }
    return { dtype: q.dtype, scale: q.scale, min: q.min };
  }
  throw new CheckpointError('UNSUPPORTED', `TF.js weights manifest ${where}: quantization dtype ${JSON.stringify(q.dtype)}; supported: float16 uint8 uint16`);
}

function checkEntry(where: string, e: unknown): TfjsWeightEntry {
  if (!isObject(e)) corrupt(where, 'is not an object');
  if (typeof e.name !== 'string' || e.name === '') corrupt(where, 'needs a non-empty string name');
  const at = `${where} ('${e.name}')`;
  if (!Array.isArray(e.shape) || !e.shape.every(isCount)) corrupt(at, 'shape must be a list of non-negative integers');
  if (e.dtype !== 'float32' && e.dtype !== 'int32' && e.dtype !== 'bool') {
    throw new CheckpointError(
      'UNSUPPORTED',
      `TF.js weights manifest ${at}: dtype ${JSON.stringify(e.dtype)} is not supported; expected float32, int32 or bool ` +
        `(float16 is dtype 'float32' with quantization {dtype: 'float16'})`,
    );
  }
  const quantization = checkQuantization(at, e.dtype, e.quantization);
  return { name: e.name, shape: e.shape.slice(), dtype: e.dtype, ...(quantization ? { quantization } : {}) };
}

/** Bytes one weight occupies in its group's shards; refuses sizes past 2^53. */
export function weightByteLength(entry: TfjsWeightEntry): number {
  let n = TFJS_STORED_BYTES[entry.quantization?.dtype ?? entry.dtype];
  for (const d of entry.shape) n *= d;
  if (!Number.isSafeInteger(n)) throw new CheckpointError('SIZE_LIMIT', `TF.js weight '${entry.name}' of shape [${entry.shape.join(',')}] is too large`);
  return n;
}

/**
 * Validates a parsed `model.json` down to its weights manifest (groups, shard paths, entries),
 * so readers never trust a field they did not check. Names must be unique across groups.
 */
export function parseTfjsManifest(modelJson: unknown): { groups: TfjsWeightsGroup[]; metadata?: Json } {
  if (!isObject(modelJson) || !Array.isArray(modelJson.weightsManifest)) {
    throw new CheckpointError(
      'BAD_MAGIC',
      'not a TF.js weights manifest: expected a model.json object with a "weightsManifest" list of {paths, weights} groups',
    );
  }
  const names = new Set<string>();
  const groups = modelJson.weightsManifest.map((g: unknown, gi: number): TfjsWeightsGroup => {
    const where = `group ${gi}`;
    if (!isObject(g)) corrupt(where, 'is not an object');
    if (!Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && p !== '')) corrupt(where, 'paths must be a list of file names');
    if (!Array.isArray(g.weights)) corrupt(where, 'weights must be a list');
    const weights = g.weights.map((e, wi) => checkEntry(`${where} weight ${wi}`, e));
    for (const w of weights) {
      if (names.has(w.name)) corrupt(where, `weight name '${w.name}' appears twice`);
      names.add(w.name);
    }
    return { paths: g.paths.slice() as string[], weights };
  });
  const metadata = modelJson.userDefinedMetadata;
  return { groups, ...(isObject(metadata) ? { metadata } : {}) };
}
