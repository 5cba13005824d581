import { CheckpointError } from './errors.js';

/** One entry of a zip central directory. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored; anything else is compressed and cannot be read here. */
  readonly method: number;
  readonly flags: number;
  readonly size: number;
  readonly compressedSize: number;
  /** File offset of the entry's data (after its local header). */
  readonly dataOffset: number;
}

/** A zip archive opened over a byte array; entry data are zero-copy views. */
export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** The entry with exactly this name (the first one, if duplicated). */
  find(name: string): ZipEntry | undefined;
  /** The entry's bytes as a view into the archive; only stored (uncompressed) entries. */
  read(entry: ZipEntry): Uint8Array;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIZE = 46;
const MAX_COMMENT = 0xffff;
const names = new TextDecoder('utf-8');

const corrupt = (message: string, offset?: number) => new CheckpointError('CORRUPT', message, { offset });

// Values ≥ 2^53 lose precision but stay far beyond any file length, so bounds checks still fail.
function u64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * 2 ** 32 + view.getUint32(at, true);
}

function findEndRecord(view: DataView): number {
  const len = view.byteLength;
  if (len < 22) throw new CheckpointError('TRUNCATED', `file has ${len} bytes, too short for a zip end record (22)`);
  for (let at = len - 22; at >= Math.max(0, len - 22 - MAX_COMMENT); at--) {
    if (view.getUint32(at, true) === EOCD_SIG && at + 22 + view.getUint16(at + 20, true) <= len) return at;
  }
  throw new CheckpointError('TRUNCATED', 'no zip end-of-central-directory record: the file is truncated or not a zip');
}

interface Directory {
  count: number;
  offset: number;
  size: number;
  /** Where the central directory must end (the first end record). */
  limit: number;
}

function readDirectoryLocation(view: DataView): Directory {
  const eocd = findEndRecord(view);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    // torch writes ZIP64 records even for tiny files; when present they are authoritative.
    const at = u64(view, locator + 8);
    if (view.getUint32(locator + 16, true) > 1) throw new CheckpointError('UNSUPPORTED', 'multi-disk zip archives');
    if (at + 56 > locator) throw corrupt(`ZIP64 end record offset ${at} is outside the file`, locator);
    if (view.getUint32(at, true) !== ZIP64_EOCD_SIG) throw corrupt('bad ZIP64 end record signature', at);
    return { count: u64(view, at + 32), size: u64(view, at + 40), offset: u64(view, at + 48), limit: at };
  }
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new CheckpointError('UNSUPPORTED', 'multi-disk zip archives', { offset: eocd });
  }
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw corrupt('zip end record defers to a ZIP64 record that is missing', eocd);
  }
  return { count, size, offset, limit: eocd };
}

/** Applies the ZIP64 extended-information extra field (id 1) to the fields saturated at 0xffffffff. */
function zip64Fields(view: DataView, start: number, end: number, fields: number[]): number[] {
  const out = fields.slice();
  for (let p = start; p + 4 <= end; ) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    const body = p + 4;
    if (body + size > end) throw corrupt('zip extra field runs past its header', p);
    if (id === 1) {
      let q = body;
      for (let i = 0; i < out.length; i++) {
        if (out[i] !== 0xffffffff) continue;
        if (q + 8 > body + size) throw corrupt('ZIP64 extra field is too short', p);
        out[i] = u64(view, q);
        q += 8;
      }
    }
    p = body + size;
  }
  return out;
}

/**
 * Opens a zip from its end records (ZIP64 aware) and walks the central directory. Local headers
 * are read only for their name / extra lengths: torch writes them with zero sizes. Every offset
 * and size is checked against the file before use.
 */
export function openZip(bytes: Uint8Array): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dir = readDirectoryLocation(view);
  if (dir.offset + dir.size > dir.limit) {
    throw corrupt(`central directory (${dir.size} bytes at ${dir.offset}) runs past the end record at ${dir.limit}`);
  }
  if (dir.count * CENTRAL_SIZE > dir.size) {
    throw corrupt(`central directory claims ${dir.count} entries but its ${dir.size} bytes hold at most ${Math.floor(dir.size / CENTRAL_SIZE)}`);
  }
  const entries: ZipEntry[] = [];
  const end = dir.offset + dir.size;
  let p = dir.offset;
  for (let i = 0; i < dir.count; i++) {
    if (p + CENTRAL_SIZE > end || view.getUint32(p, true) !== CENTRAL_SIG) throw corrupt(`central directory entry ${i} is missing or damaged`, p);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const next = p + CENTRAL_SIZE + nameLen + extraLen + view.getUint16(p + 32, true);
    if (next > end) throw corrupt(`central directory entry ${i} runs past the directory`, p);
    const name = names.decode(bytes.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen));
    const [size, compressedSize, local] = zip64Fields(view, p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen, [
      view.getUint32(p + 24, true),
      view.getUint32(p + 20, true),
      view.getUint32(p + 42, true),
    ]);
    if (local + 30 > dir.offset || view.getUint32(local, true) !== LOCAL_SIG) {
      throw corrupt(`local header of zip entry '${name}' at ${local} is missing or outside the file`, p);
    }
    const dataOffset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataOffset + compressedSize > dir.offset) {
      throw new CheckpointError('TRUNCATED', `zip entry '${name}' claims ${compressedSize} bytes at ${dataOffset}, past the end of the entry data (${dir.offset})`);
    }
    entries.push({ name, method: view.getUint16(p + 10, true), flags: view.getUint16(p + 8, true), size, compressedSize, dataOffset });
    p = next;
  }
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) if (!byName.has(e.name)) byName.set(e.name, e);
  return { entries, find: (name) => byName.get(name), read: (entry) => readEntry(bytes, entry) };
}

function readEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  if (entry.flags & 1) throw new CheckpointError('UNSUPPORTED', `zip entry '${entry.name}' is encrypted`);
  if (entry.method !== 0) {
    throw new CheckpointError(
      'UNSUPPORTED',
      `zip entry '${entry.name}' is compressed (method ${entry.method}); only stored entries are read, as torch.save writes them`,
    );
  }
  if (entry.size !== entry.compressedSize) {
    throw corrupt(`stored zip entry '${entry.name}' has size ${entry.size} but compressed size ${entry.compressedSize}`);
  }
  return bytes.subarray(entry.dataOffset, entry.dataOffset + entry.size);
}
