import { CocoEvalError } from './coco-types.js';

/** Short, safe rendering of a bad value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Throws unless `record` is a plain object. */
export function expectObject(record: unknown, where: string): Record<string, unknown> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new CocoEvalError(`${where} must be an object, got ${describeValue(record)}`);
  }
  return record as Record<string, unknown>;
}

/** Throws unless `value` is an array. */
export function expectArray(value: unknown, where: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new CocoEvalError(`${where} must be an array of ${what}, got ${describeValue(value)}`);
  return value;
}

/** Throws unless `record[field]` is a finite number; returns it. */
export function expectNumber(record: Record<string, unknown>, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CocoEvalError(`${where}.${field} must be a finite number, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `record.bbox` is `[x, y, w, h]` (4 finite numbers). */
export function expectBox(record: Record<string, unknown>, where: string): number[] {
  const box = record.bbox;
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new CocoEvalError(`${where}.bbox must be [x, y, width, height] (4 finite numbers), got ${describeValue(box)}`);
  }
  return box as number[];
}

/** Throws unless `record.keypoints` is a non-empty flat `[x, y, v, …]` list of finite numbers. */
export function expectKeypoints(record: Record<string, unknown>, where: string): number[] {
  const kps = record.keypoints;
  if (!Array.isArray(kps) || kps.length === 0 || kps.length % 3 !== 0 || !kps.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new CocoEvalError(
      `${where}.keypoints must be a flat list [x1, y1, v1, x2, y2, v2, …] of finite numbers (a multiple of 3), got ${describeValue(kps)}`,
    );
  }
  return kps as number[];
}

/** Throws unless `record.iscrowd` is 0/1 or a boolean; returns 0 or 1. */
export function expectCrowdFlag(record: Record<string, unknown>, where: string): number {
  const value = record.iscrowd;
  if (value === 0 || value === 1 || value === false || value === true) return Number(value);
  throw new CocoEvalError(`${where}.iscrowd must be 0 or 1, got ${describeValue(value)}`);
}
