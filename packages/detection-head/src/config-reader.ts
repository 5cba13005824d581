import { ConfigError } from '@hrnetjs/core';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Typed access to one mmdet config dict with dotted paths in every error
 * (`roi_head.bbox_head.num_classes must be a positive integer, got "80"`).
 */
export class DictReader {
  constructor(
    readonly raw: Dict,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): DictReader {
    if (!isDict(value)) throw new ConfigError(`${path} must be a mapping, got ${JSON.stringify(value) ?? String(value)}`, { path });
    return new DictReader(value, path);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  dict(key: string): DictReader {
    if (!this.has(key)) throw new ConfigError(`${this.at(key)} is missing`, { path: this.at(key) });
    return DictReader.of(this.raw[key], this.at(key));
  }

  /** A non-empty list of mappings (e.g. a cascade's per-stage `bbox_head`). */
  list(key: string): DictReader[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${this.at(key)} must be a non-empty list of mappings, got ${JSON.stringify(v) ?? String(v)}`, { path: this.at(key) });
    return v.map((item, i) => DictReader.of(item, `${this.at(key)}[${i}]`));
  }

  number(key: string, fallback?: number, check: (v: number) => boolean = Number.isFinite, what = 'a finite number'): number {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new ConfigError(`${this.at(key)} is missing; it must be ${what}`, { path: this.at(key) });
      return fallback;
    }
    if (typeof v !== 'number' || !check(v)) throw new ConfigError(`${this.at(key)} must be ${what}, got ${JSON.stringify(v)}`, { path: this.at(key) });
    return v;
  }

  positiveInt(key: string, fallback?: number): number {
    return this.number(key, fallback, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  }

  int(key: string, fallback?: number): number {
    return this.number(key, fallback, Number.isInteger, 'an integer');
  }

  numbers(key: string, length?: number, fallback?: number[], positive = false): number[] {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new ConfigError(`${this.at(key)} is missing`, { path: this.at(key) });
      return fallback;
    }
    const ok = Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
    if (!ok || (length !== undefined && (v as number[]).length !== length)) {
      const what = `${length === undefined ? 'a list' : `a list of ${length}`} of ${positive ? 'positive ' : ''}numbers`;
      throw new ConfigError(`${this.at(key)} must be ${what}, got ${JSON.stringify(v)}`, { path: this.at(key) });
    }
    return v as number[];
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw new ConfigError(`${this.at(key)} must be true or false, got ${JSON.stringify(v)}`, { path: this.at(key) });
    return v;
  }

  /** Checks `type` against the supported names (if present). */
  type(supported: readonly string[], required = true): string | undefined {
    const v = this.raw.type;
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || !supported.includes(v)) {
      throw new ConfigError(`${this.at('type')} is ${JSON.stringify(v)}; supported: ${supported.map((s) => `'${s}'`).join(', ')}`, {
        path: this.at('type'),
      });
    }
    return v;
  }
}
