// Test-only helpers for the corruption suite: structure boundaries of each format, a seeded PRNG,
// and a safetensors encoder for a state dict.
import { ELEMENT_SIZE } from '../dtypes.js';
import { unpickle } from '../pickle-machine.js';
import { StorageRef } from '../pickle-values.js';
import { parseStoragePid } from '../storage-pid.js';
import { openZip } from '../zip-reader.js';

/** mulberry32: a tiny seeded PRNG, so failures reproduce. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A region of interest: where structure (not raw tensor data) lives. */
export interface Layout {
  boundaries: number[];
  structure: [number, number][];
}

/** Zip: every entry's data start and end; structure = data.pkl, central directory, end records. */
export function zipLayout(bytes: Uint8Array): Layout {
  const zip = openZip(bytes);
  const boundaries = zip.entries.flatMap((e) => [e.dataOffset, e.dataOffset + e.size]);
  const pkl = zip.entries.find((e) => e.name.endsWith('/data.pkl'))!;
  const dataEnd = Math.max(...boundaries);
  return { boundaries, structure: [[pkl.dataOffset, pkl.dataOffset + pkl.size], [dataEnd, bytes.length]] };
}

/** Legacy: the five pickle ends, then each storage's count field and data end. */
export function legacyLayout(bytes: Uint8Array): Layout {
  const sizes = new Map<string, number>();
  const persistentLoad = (pid: unknown, offset: number) => {
    const p = parseStoragePid(pid, 'legacy', offset);
    sizes.set(p.key, ELEMENT_SIZE[p.dtype]);
    return new StorageRef(p.key, p.dtype, p.numel, false);
  };
  const boundaries: number[] = [];
  let end = 0;
  let keys: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = unpickle(bytes, end, { persistentLoad });
    end = r.end;
    boundaries.push(end);
    if (i === 4) keys = r.value as string[];
  }
  const structure: [number, number][] = [[0, end]];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = end;
  for (const key of keys) {
    structure.push([pos, pos + 8]);
    pos += 8 + Number(view.getBigInt64(pos, true)) * sizes.get(key)!;
    boundaries.push(pos - 1, pos);
  }
  return { boundaries, structure };
}

/** safetensors: header end and every tensor's data start; structure = length + header. */
export function safetensorsLayout(bytes: Uint8Array): Layout {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const starts = Object.values(header as Record<string, { data_offsets?: number[] }>)
    .filter((v) => v.data_offsets)
    .map((v) => 8 + length + v.data_offsets![0]);
  return { boundaries: [8, 8 + length, ...starts], structure: [[0, 8 + length]] };
}
