import { ConfigError } from './config-error.js';
import type { BackboneConfig } from './types.js';

/** A parsed yaml/json mapping. */
export type Dict = Record<string, unknown>;

/** True for plain mappings (not arrays, not null). */
export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `a.b` joined, tolerating an empty prefix (bare mmdet backbone dicts have no parent key). */
export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Short, unambiguous rendering of a found value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}' (a string)`;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')}]`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** A positive integer (channel counts, block counts, class counts …). */
export function readPositiveInt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${path} must be a positive integer, got ${describeValue(value)}`, { path });
  }
  return value;
}

/** A required positive integer: a missing key gets its own message. */
export function readRequiredPositiveInt(value: unknown, path: string, why: string): number {
  if (value === undefined || value === null) {
    throw new ConfigError(`${path} is missing; ${why}`, { path });
  }
  return readPositiveInt(value, path);
}

/** A list of positive integers; `lengthRule` names the key that fixes its length, for the message. */
export function readPositiveIntList(
  value: unknown,
  path: string,
  expectedLength: number,
  lengthRule: string,
): number[] {
  if (!Array.isArray(value)) {
    throw new ConfigError(`${path} must be a list of ${expectedLength} positive integers, got ${describeValue(value)}`, {
      path,
    });
  }
  if (value.length !== expectedLength) {
    const entries = value.length === 1 ? 'entry' : 'entries';
    throw new ConfigError(`${path} has ${value.length} ${entries} but ${lengthRule} is ${expectedLength}`, { path });
  }
  return value.map((v, i) => readPositiveInt(v, `${path}[${i}]`));
}

/** A boolean; yaml `True`/`False`/`true`/`false` arrive here already converted. */
export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${path} must be true or false, got ${describeValue(value)}`, { path });
  }
  return value;
}

/** `[width, height]` of positive integers (`MODEL.IMAGE_SIZE`, `MODEL.HEATMAP_SIZE`). */
export function readSize(value: unknown, path: string): [number, number] {
  const [w, h] = readPositiveIntList(value, path, 2, 'the expected length ([width, height])');
  return [w, h];
}

/** Three finite numbers (per-channel mean/std); `positive` for std. */
export function readTriple(value: unknown, path: string, positive: boolean): [number, number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0));
  if (!ok) {
    const what = positive ? 'three positive numbers' : 'three finite numbers';
    throw new ConfigError(`${path} must be ${what} (R, G, B), got ${describeValue(value)}`, { path });
  }
  const [a, b, c] = value as number[];
  return [a, b, c];
}

/** A string from a fixed set, compared case-insensitively; returns the canonical spelling. */
export function readChoice<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  const found = typeof value === 'string' ? choices.find((c) => c.toLowerCase() === value.toLowerCase()) : undefined;
  if (found === undefined) {
    throw new ConfigError(`${path} is ${describeValue(value)}; expected one of ${choices.join(', ')}`, { path });
  }
  return found;
}

const BATCH_NORM_ALIASES: Record<string, BackboneConfig['batchNorm']> = {
  standard: 'standard',
  bn: 'standard',
  batchnorm: 'standard',
  batchnorm2d: 'standard',
  syncbn: 'standard',
  syncbatchnorm: 'standard',
  inplaceabn: 'inplace-abn',
  inplaceabnsync: 'inplace-abn',
};

/**
 * BatchNorm flavour. Accepts our spellings ('standard', 'inplace-abn') and the PyTorch class names
 * people copy from the official code (BatchNorm2d, SyncBatchNorm, InPlaceABNSync), ignoring case,
 * '-' and '_'.
 */
export function readBatchNorm(value: unknown, path: string): BackboneConfig['batchNorm'] {
  const key = typeof value === 'string' ? value.toLowerCase().replace(/[-_\s]/g, '') : undefined;
  const found = key === undefined ? undefined : BATCH_NORM_ALIASES[key];
  if (found === undefined) {
    throw new ConfigError(
      `${path} is ${describeValue(value)}; expected 'standard' (BatchNorm2d/SyncBatchNorm) or 'inplace-abn' (InPlaceABNSync, *_torch04 seg checkpoints)`,
      { path },
    );
  }
  return found;
}

/**
 * `FINAL_CONV_KERNEL` of the pose/seg heads. The official heads pad with `1 if k == 3 else 0`, so
 * only 1 and 3 keep the output at the feature-map size.
 */
export function readFinalConvKernel(value: unknown, path: string): number {
  if (value === undefined) return 1;
  const k = readPositiveInt(value, path);
  if (k !== 1 && k !== 3) {
    throw new ConfigError(`${path} is ${k}; expected 1 or 3 (the official heads only pad correctly for these)`, {
      path,
    });
  }
  return k;
}
