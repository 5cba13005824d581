/**
 * A minimal protobuf (proto3 wire format) writer: varints, 32-bit floats, length-delimited bytes
 * and nested messages. Enough for the ONNX ModelProto subset in `onnx-proto.ts`. Nested messages
 * keep their parts (large initializers are referenced, not copied) until `finish` concatenates once.
 */
/** Bytes written only when the message is finished (a large initializer computed on demand). */
export interface LazyBytes {
  length: number;
  write(target: Uint8Array): void;
}

export class ProtoWriter {
  private readonly parts: Array<Uint8Array | LazyBytes> = [];
  private scratch: number[] = [];
  private size = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.size + this.scratch.length;
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }

  /** Unsigned varint; negative integers are written as 64-bit two's complement (int64 fields). */
  private varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new Error(`protobuf: varint needs an integer, got ${value}`);
      if (value >= 0 && value <= 0x7fffffff) {
        let v = value;
        while (v > 0x7f) {
          this.scratch.push((v & 0x7f) | 0x80);
          v >>>= 7;
        }
        this.scratch.push(v);
        return;
      }
      value = BigInt(value);
    }
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  /** int32 / int64 / enum / bool field (wire type 0). */
  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  /** bytes field; the array is referenced until `finish`. */
  bytes(field: number, data: Uint8Array): this {
    return this.lengthDelimited(field, data);
  }

  /**
   * bytes field whose content is produced by `write` straight into the finished buffer: a large
   * initializer never exists twice (its source array can be freed right after).
   */
  lazyBytes(field: number, data: LazyBytes): this {
    return this.lengthDelimited(field, data);
  }

  /** Tag, length and a part appended as it is (copied or written only in `finish`). */
  private lengthDelimited(field: number, data: Uint8Array | LazyBytes): this {
    this.tag(field, 2);
    this.varint(data.length);
    this.flush();
    this.parts.push(data);
    this.size += data.length;
    return this;
  }

  /** string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Embedded message field. */
  message(field: number, inner: ProtoWriter): this {
    inner.flush();
    this.tag(field, 2);
    this.varint(inner.size);
    this.flush();
    this.parts.push(...inner.parts);
    this.size += inner.size;
    return this;
  }

  /** Packed repeated varints (int64 / int32 lists). */
  packedInts(field: number, values: ReadonlyArray<number | bigint>): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.message(field, inner);
  }

  /** Packed repeated floats. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1 && this.parts[0] instanceof Uint8Array) return this.parts[0];
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const p of this.parts) {
      if (p instanceof Uint8Array) out.set(p, offset);
      else p.write(out.subarray(offset, offset + p.length));
      offset += p.length;
    }
    return out;
  }
}
