// Test-only: writes pickle opcodes by hand, so tests can build exact (and hostile) pickles.

const text = new TextEncoder();

/** Fluent writer of raw pickle opcodes. */
export class PickleWriter {
  private readonly out: number[] = [];

  raw(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b & 0xff);
    return this;
  }
  u16(n: number): this {
    return this.raw(n, n >> 8);
  }
  u32(n: number): this {
    return this.raw(n, n >>> 8, n >>> 16, n >>> 24);
  }
  proto(version = 2): this {
    return this.raw(0x80, version);
  }
  stop(): this {
    return this.raw(0x2e);
  }
  mark(): this {
    return this.raw(0x28);
  }
  none(): this {
    return this.raw(0x4e);
  }
  bool(v: boolean): this {
    return this.raw(v ? 0x88 : 0x89);
  }
  /** BININT1 / BININT2 / BININT, or LONG1 beyond 32 bits. */
  int(n: number | bigint): this {
    const v = BigInt(n);
    if (v >= 0n && v < 256n) return this.raw(0x4b, Number(v));
    if (v >= 0n && v < 65536n) return this.raw(0x4d).u16(Number(v));
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return this.raw(0x4a).u32(Number(BigInt.asUintN(32, v)));
    const bytes: number[] = [];
    let x = v;
    do {
      bytes.push(Number(BigInt.asUintN(8, x)));
      x >>= 8n;
    } while (!(x === 0n && (bytes[bytes.length - 1] & 0x80) === 0) && !(x === -1n && (bytes[bytes.length - 1] & 0x80) !== 0));
    return this.raw(0x8a, bytes.length, ...bytes);
  }
  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.raw(0x47, ...b);
  }
  str(s: string): this {
    const b = text.encode(s);
    return this.raw(0x58).u32(b.length).raw(...b);
  }
  global(module: string, name: string): this {
    return this.raw(0x63, ...text.encode(`${module}\n${name}\n`));
  }
  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).raw(0x93);
  }
  tuple(): this {
    return this.raw(0x74);
  }
  emptyTuple(): this {
    return this.raw(0x29);
  }
  emptyList(): this {
    return this.raw(0x5d);
  }
  emptyDict(): this {
    return this.raw(0x7d);
  }
  append(): this {
    return this.raw(0x61);
  }
  setitems(): this {
    return this.raw(0x75);
  }
  reduce(): this {
    return this.raw(0x52);
  }
  build(): this {
    return this.raw(0x62);
  }
  binpersid(): this {
    return this.raw(0x51);
  }
  put(i: number): this {
    return this.raw(0x71, i);
  }
  get(i: number): this {
    return this.raw(0x68, i);
  }
  ints(values: readonly (number | bigint)[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** A tensor entry for {@link stateDictPickle}. */
export interface TensorSpec {
  name: string;
  storageClass?: string;
  key?: string;
  numel: number | bigint;
  offset?: number | bigint;
  shape: readonly (number | bigint)[];
  stride: readonly (number | bigint)[];
  /** Legacy 6-tuple persistent id, with this view_metadata (null → None). */
  legacyView?: null | [string, number, number];
}

/** An OrderedDict state dict pickle exactly like torch.save writes (protocol 2). */
export function stateDictPickle(tensors: readonly TensorSpec[]): Uint8Array {
  const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  tensors.forEach((t, i) => {
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark().str('storage').global('torch', t.storageClass ?? 'FloatStorage').str(t.key ?? String(i)).str('cpu').int(t.numel);
    if (t.legacyView !== undefined) {
      if (t.legacyView === null) w.none();
      else w.mark().str(t.legacyView[0]).int(t.legacyView[1]).int(t.legacyView[2]).tuple();
    }
    w.tuple().binpersid().int(t.offset ?? 0).ints(t.shape).ints(t.stride).bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  });
  return w.setitems().stop().bytes();
}

/** A pickle of one list of strings (the legacy storage-key list). */
export function keyListPickle(keys: readonly string[]): Uint8Array {
  const w = new PickleWriter().proto(2).emptyList().mark();
  for (const k of keys) w.str(k);
  return w.raw(0x65).stop().bytes();
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Legacy storage record: int64 LE element count, then the bytes. */
export function legacyStorage(count: number | bigint, data: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigInt64(0, BigInt(count), true);
  return concat(head, data);
}

/** A whole legacy-format file around the given object pickle, key list and raw storages. */
export function legacyFile(object: Uint8Array, keys: readonly string[], storages: Uint8Array[]): Uint8Array {
  const magic = Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
  const protocol = new PickleWriter().proto(2).int(1001).stop().bytes();
  const sysInfo = new PickleWriter().proto(2).emptyDict().stop().bytes();
  return concat(magic, protocol, sysInfo, object, keyListPickle(keys), ...storages);
}

/** Little-endian float32 bytes of the given values. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
