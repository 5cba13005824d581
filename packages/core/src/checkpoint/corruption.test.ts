import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { legacyLayout, prng, safetensorsLayout, zipLayout, type Layout } from './__fixtures__/corruption-helpers.js';
import { encodeSafetensors } from './safetensors-writer.js';
import { sharedFixture } from './__fixtures__/fixture-paths.js';
import { concat, f32Bytes, legacyFile, legacyStorage, PickleWriter, stateDictPickle } from './__fixtures__/pickle-writer.js';
import { buildZip, torchZip } from './__fixtures__/zip-writer.js';
import { CheckpointError } from './errors.js';
import { readCheckpoint } from './read-checkpoint.js';

/** Reads and classifies: 'ok', a CheckpointError code, or a description of a foreign error. */
function outcome(bytes: Uint8Array): { kind: 'ok' | 'error' | 'FOREIGN'; detail: string } {
  try {
    const ckpt = readCheckpoint(bytes);
    // Values may be at most twice the file (float16 widens to float32): nothing unjustified.
    let total = 0;
    for (const t of ckpt.stateDict.values()) total += t.values.byteLength;
    if (total > 2 * bytes.length) return { kind: 'FOREIGN', detail: `allocated ${total} bytes from a ${bytes.length}-byte file` };
    return { kind: 'ok', detail: '' };
  } catch (e) {
    if (e instanceof CheckpointError) return { kind: 'error', detail: e.code };
    return { kind: 'FOREIGN', detail: `${(e as Error)?.name}: ${(e as Error)?.message}` };
  }
}

const pose = new Uint8Array(readFileSync(sharedFixture('pose/pose_tiny.pth')));
const subjects: [string, Uint8Array, (b: Uint8Array) => Layout][] = [
  ['pose_tiny.pth (zip)', pose, zipLayout],
  ['pose_tiny_legacy.pth', new Uint8Array(readFileSync(sharedFixture('pose/pose_tiny_legacy.pth'))), legacyLayout],
  ['pose_tiny as safetensors', encodeSafetensors(readCheckpoint(pose).stateDict), safetensorsLayout],
];

describe.each(subjects)('corrupted %s', (_, file, layoutOf) => {
  const layout = layoutOf(file);

  it('fails with a CheckpointError when truncated anywhere', () => {
    const cuts = new Set<number>();
    for (let i = 0; i < 200; i++) cuts.add(Math.floor((i * file.length) / 200));
    for (let i = 0; i < 64; i++) cuts.add(i);
    for (const b of layout.boundaries) for (const d of [-1, 0, 1]) cuts.add(b + d);
    const bad: string[] = [];
    let checked = 0;
    for (const cut of cuts) {
      if (cut < 0 || cut >= file.length) continue;
      const r = outcome(file.subarray(0, cut));
      checked++;
      if (r.kind !== 'error') bad.push(`cut at ${cut}: ${r.kind} ${r.detail}`);
    }
    expect(checked).toBeGreaterThan(250);
    expect(bad).toEqual([]);
  });

  it('either reads or throws a CheckpointError under 400 seeded bit flips and byte changes', () => {
    const random = prng(20240611);
    const work = file.slice();
    const bad: string[] = [];
    const counts = { ok: 0, error: 0 };
    for (let i = 0; i < 400; i++) {
      // Two in three land in structure (pickles, directories, headers), the rest anywhere.
      const region = i % 3 === 2 ? ([0, file.length] as const) : layout.structure[Math.floor(random() * layout.structure.length)];
      const at = region[0] + Math.floor(random() * (region[1] - region[0]));
      const before = work[at];
      work[at] = i % 2 === 0 ? before ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
      const r = outcome(work);
      work[at] = before;
      if (r.kind === 'FOREIGN') bad.push(`byte ${at}: ${before} → changed: ${r.detail}`);
      else counts[r.kind]++;
    }
    expect(bad).toEqual([]);
    expect(counts.error).toBeGreaterThan(0);
  });
});

describe('wrong magic', () => {
  it.each([
    ['an empty file', new Uint8Array(0)],
    ['a GIF', new TextEncoder().encode('GIF89a......')],
    ['an empty zip', Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)])],
    ['an .npy file', new Uint8Array(readFileSync(sharedFixture('pose/maxvals.npy')))],
    ['a plain (non-torch) pickle', new PickleWriter().proto(2).emptyDict().stop().bytes()],
    ['a zip without data.pkl', buildZip([{ name: 'x/readme.txt', data: new Uint8Array(3) }]).bytes],
  ])('%s → BAD_MAGIC', (_, bytes) => {
    expect(outcome(bytes)).toEqual({ kind: 'error', detail: 'BAD_MAGIC' });
  });
});

/** A state dict pickle with one more hostile value under `key`, inside a wrapper. */
function withExtra(extra: (w: PickleWriter) => PickleWriter): Uint8Array {
  const w = new PickleWriter().proto(2).emptyDict().mark().str('state_dict').emptyDict().str('extra');
  return extra(w).setitems().stop().bytes();
}

const deepList = (w: PickleWriter, n: number) => {
  for (let i = 0; i < n; i++) w.emptyList();
  for (let i = 1; i < n; i++) w.append();
  return w;
};

const hostile: [string, string, Uint8Array][] = [
  ['huge BINUNICODE length', 'TRUNCATED', new PickleWriter().proto(2).raw(0x58).u32(0xfffffff0).raw(0x61).bytes()],
  ['huge LONG_BINGET index', 'CORRUPT', new PickleWriter().proto(2).raw(0x6a).u32(0xffffffff).stop().bytes()],
  ['huge LONG4 length', 'SIZE_LIMIT', new PickleWriter().proto(2).raw(0x8b).u32(0x7fffffff).bytes()],
  ['huge FRAME length', 'TRUNCATED', new PickleWriter().proto(4).raw(0x95).u32(0xffffffff).u32(0xffff).bytes()],
  ['100k nested MARKs', 'CORRUPT', new PickleWriter().proto(2).raw(...new Array(100_000).fill(0x28)).stop().bytes()],
  ['a 100k-deep list as the object', 'NOT_STATE_DICT', deepList(new PickleWriter().proto(2), 100_000).stop().bytes()],
  ['unknown opcode', 'UNSUPPORTED', new PickleWriter().proto(2).raw(0xd0).bytes()],
  ['GLOBAL os.system', 'UNSAFE_GLOBAL', new PickleWriter().proto(2).global('os', 'system').str('id').raw(0x85).reduce().stop().bytes()],
  ['STACK_GLOBAL os.system', 'UNSAFE_GLOBAL', new PickleWriter().proto(4).stackGlobal('os', 'system').str('id').raw(0x85).reduce().stop().bytes()],
  ['GLOBAL builtins.getattr', 'UNSAFE_GLOBAL', withExtra((w) => w.global('builtins', 'getattr'))],
  ['BUILD on a list', 'UNSUPPORTED', withExtra((w) => w.emptyList().emptyDict().build())],
  ['a tensor rebuilt from a string', 'CORRUPT', withExtra((w) => w.global('torch._utils', '_rebuild_tensor').mark().str('s').int(0).ints([1]).ints([1]).tuple().reduce())],
  ['storage numel 2^40', 'TRUNCATED', stateDictPickle([{ name: 'w', numel: 2n ** 40n, shape: [2n ** 40n], stride: [1] }])],
  ['negative shape', 'CORRUPT', stateDictPickle([{ name: 'w', numel: 2, shape: [-1, 2], stride: [2, 1] }])],
  ['negative stride', 'CORRUPT', stateDictPickle([{ name: 'w', numel: 2, shape: [2], stride: [-1] }])],
  ['overflowing shape', 'CORRUPT', stateDictPickle([{ name: 'w', numel: 2, shape: [2n ** 62n, 2n ** 62n], stride: [1, 1] }])],
  ['overflowing stride', 'CORRUPT', stateDictPickle([{ name: 'w', numel: 2, shape: [2], stride: [2 ** 52] }])],
  ['shape × stride beyond the storage', 'CORRUPT', stateDictPickle([{ name: 'w', numel: 2, shape: [3, 3], stride: [3, 1] }])],
  ['zero strides expanding one element', 'SIZE_LIMIT', stateDictPickle([{ name: 'w', numel: 2, shape: [2 ** 20, 2 ** 20], stride: [0, 0] }])],
];

describe.each([
  ['zip', (pickle: Uint8Array) => torchZip(pickle, { '0': f32Bytes([1, 2]) }).bytes],
  ['legacy', (pickle: Uint8Array) => {
    // The key list may only name storages the object uses.
    const used = new TextDecoder('latin1').decode(pickle).includes('FloatStorage');
    return legacyFile(withLegacyPids(pickle), used ? ['0'] : [], used ? [legacyStorage(2, f32Bytes([1, 2]))] : []);
  }],
])('hostile pickles in a %s container', (_, wrap) => {
  it.each(hostile)('%s → %s', (__, code, pickle) => {
    expect(outcome(wrap(pickle))).toEqual({ kind: 'error', detail: code });
  });

  it('reads a checkpoint whose extras are deeply nested, cyclic or exponentially shared', () => {
    const deep = withExtra((w) => deepList(w, 50_000));
    const cyclic = withExtra((w) => w.emptyList().put(9).get(9).append());
    const shared = withExtra((w) => {
      w.emptyList().int(1).append();
      for (let i = 0; i < 60; i++) w.put(0).get(0).raw(0x86);
      return w;
    });
    for (const pickle of [deep, cyclic, shared]) {
      const bytes = wrap(pickle);
      expect(outcome(bytes)).toEqual({ kind: 'ok', detail: '' });
      // Bounded work, not a duration: the summary of the extras stops at its 100k-node budget
      // and marks the cut (a full walk of the shared case has 2^60 paths).
      const { extras } = readCheckpoint(bytes);
      expect(countNodes(extras)).toBeLessThanOrEqual(3 * 100_000);
      expect(JSON.stringify(extras)).toContain('truncated');
    }
  });
});

/** Legacy files use 6-tuple persistent ids: rewrite a zip-style state dict pickle's 5-tuples. */
function withLegacyPids(pickle: Uint8Array): Uint8Array {
  // stateDictPickle ends each pid with `t Q` (TUPLE, BINPERSID); insert NONE before that TUPLE.
  const out: number[] = [];
  for (let i = 0; i < pickle.length; i++) {
    if (pickle[i] === 0x74 && pickle[i + 1] === 0x51) out.push(0x4e);
    out.push(pickle[i]);
  }
  return Uint8Array.from(out);
}

describe('hostile zip directories through readCheckpoint', () => {
  const pickle = stateDictPickle([{ name: 'w', numel: 2, shape: [2], stride: [1] }]);

  it('refuses a central directory claiming 2^31 entries', () => {
    const built = torchZip(pickle, { '0': f32Bytes([1, 2]) });
    new DataView(built.bytes.buffer).setBigUint64(built.zip64Offset + 32, 2n ** 31n, true);
    expect(outcome(built.bytes)).toEqual({ kind: 'error', detail: 'CORRUPT' });
  });

  it('refuses ZIP64 sizes beyond the file', () => {
    const built = torchZip(pickle, { '0': f32Bytes([1, 2]) });
    new DataView(built.bytes.buffer).setBigUint64(built.zip64Offset + 40, 2n ** 60n, true);
    expect(outcome(built.bytes)).toEqual({ kind: 'error', detail: 'CORRUPT' });
  });

  it('refuses a compressed data.pkl by name', () => {
    const bytes = buildZip([{ name: 'archive/data.pkl', data: pickle, method: 8 }]).bytes;
    expect(() => readCheckpoint(bytes)).toThrow(/'archive\/data\.pkl' is compressed/);
  });

  it('keeps working when the hostile bytes sit in a storage (raw data is just numbers)', () => {
    const bytes = torchZip(pickle, { '0': concat(f32Bytes([1]), Uint8Array.from([0xff, 0xff, 0xff, 0x7f])) }).bytes;
    expect(outcome(bytes)).toEqual({ kind: 'ok', detail: '' });
  });
});

/**
 * Nodes of a JSON-like summary: each array, object, leaf and `truncated` marker counts one. The walk
 * visits at most its 100k budget, and each visited node here has at most 2 cut-off children.
 */
function countNodes(value: unknown): number {
  if ((value as { $type?: string })?.$type === 'truncated') return 1;
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + countNodes(v), 0);
  if (value !== null && typeof value === 'object') return 1 + Object.values(value).reduce((n: number, v) => n + countNodes(v), 0);
  return 1;
}
