import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from './__fixtures__/fixture-paths.js';
import { buildZip, type ZipInput } from './__fixtures__/zip-writer.js';
import { openZip } from './zip-reader.js';
import { errorOf } from './__fixtures__/checkpoint-error-of.js';

const text = new TextEncoder();
const entries: ZipInput[] = [
  { name: 'a/data.pkl', data: text.encode('pickle bytes') },
  { name: 'a/data/0', data: Uint8Array.from([1, 2, 3, 4]) },
  { name: 'a/empty', data: new Uint8Array(0) },
];


const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer).setUint32(at, v, true);
const setU64 = (b: Uint8Array, at: number, v: bigint) => new DataView(b.buffer).setBigUint64(at, v, true);

describe('openZip', () => {
  it.each([false, true])('lists and reads stored entries (zip64 records: %s) as zero-copy views', (zip64) => {
    const { bytes } = buildZip(entries, { zip64 });
    const zip = openZip(bytes);
    expect(zip.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const e of entries) {
      const data = zip.read(zip.find(e.name)!);
      expect(data).toEqual(e.data);
      expect(data.buffer).toBe(bytes.buffer);
    }
    expect(zip.find('missing')).toBeUndefined();
  });

  it('reads a real torch.save archive (zero-size local headers, 64-byte aligned data)', () => {
    const bytes = new Uint8Array(readFileSync(sharedFixture('pose/pose_tiny.pth')));
    const zip = openZip(bytes);
    expect(zip.find('pose_tiny/data.pkl')).toBeDefined();
    expect(zip.entries.every((e) => e.method === 0 && e.dataOffset % 64 === 0)).toBe(true);
    expect(new TextDecoder().decode(zip.read(zip.find('pose_tiny/version')!)).trim()).toBe('3');
  });

  it('tolerates an archive comment after the end record', () => {
    const { bytes } = buildZip(entries);
    const withComment = new Uint8Array(bytes.length + 5);
    withComment.set(bytes);
    withComment.set(text.encode('hello'), bytes.length);
    withComment[bytes.length - 2] = 5; // comment length
    expect(openZip(withComment).entries).toHaveLength(3);
  });

  it('refuses compressed entries by name, but only when they are read', () => {
    const { bytes } = buildZip([...entries, { name: 'a/notes.txt', data: text.encode('xx'), method: 8 }]);
    const zip = openZip(bytes);
    expect(zip.read(zip.find('a/data/0')!)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    const e = errorOf(() => zip.read(zip.find('a/notes.txt')!));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain("'a/notes.txt'");
  });

  it('refuses a central directory claiming 2^31 entries', () => {
    const built = buildZip(entries, { zip64: true });
    setU64(built.bytes, built.zip64Offset + 32, 2n ** 31n);
    const e = errorOf(() => openZip(built.bytes));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('2147483648 entries');
  });

  it('refuses more entries than a plain end record directory can hold', () => {
    const built = buildZip(entries);
    new DataView(built.bytes.buffer).setUint16(built.eocdOffset + 10, 0xfffe, true);
    expect(errorOf(() => openZip(built.bytes)).code).toBe('CORRUPT');
  });

  it('refuses ZIP64 directory offsets and sizes beyond the file', () => {
    const a = buildZip(entries, { zip64: true });
    setU64(a.bytes, a.zip64Offset + 48, 2n ** 40n);
    expect(errorOf(() => openZip(a.bytes)).code).toBe('CORRUPT');
    const b = buildZip(entries, { zip64: true });
    setU64(b.bytes, b.zip64Offset + 40, 2n ** 62n);
    expect(errorOf(() => openZip(b.bytes)).code).toBe('CORRUPT');
    const c = buildZip(entries, { zip64: true });
    setU64(c.bytes, c.zip64Offset + 56 + 8, 0n); // the locator (after the 56-byte record) points at byte 0
    expect(errorOf(() => openZip(c.bytes)).message).toContain('ZIP64 end record signature');
    const d = buildZip(entries, { zip64: true });
    setU64(d.bytes, d.zip64Offset + 56 + 8, 2n ** 50n);
    expect(errorOf(() => openZip(d.bytes)).code).toBe('CORRUPT');
  });

  it('refuses entry sizes and local header offsets beyond the data', () => {
    const a = buildZip(entries);
    setU32(a.bytes, a.cdOffset + 20, 0xfffffff0); // compressed size of entry 0
    setU32(a.bytes, a.cdOffset + 24, 0xfffffff0);
    const e = errorOf(() => openZip(a.bytes));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain("'a/data.pkl'");
    const b = buildZip(entries);
    setU32(b.bytes, b.cdOffset + 42, 0x7fffffff); // local header offset of entry 0
    expect(errorOf(() => openZip(b.bytes)).code).toBe('CORRUPT');
  });

  it('reports a missing end record as truncation', () => {
    const { bytes } = buildZip(entries);
    expect(errorOf(() => openZip(bytes.subarray(0, bytes.length - 10))).code).toBe('TRUNCATED');
    expect(errorOf(() => openZip(new Uint8Array(5))).code).toBe('TRUNCATED');
  });
});
