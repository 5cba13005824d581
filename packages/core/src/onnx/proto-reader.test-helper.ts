/** A generic protobuf wire-format reader for tests: every field of one message, unparsed. */
export interface WireField {
  field: number;
  wireType: number;
  value?: bigint;
  bytes?: Uint8Array;
}

export function decodeMessage(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) out.push({ field, wireType, value: varint() });
    else if (wireType === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated bytes');
      out.push({ field, wireType, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wireType === 5) {
      out.push({ field, wireType, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else if (wireType === 1) {
      out.push({ field, wireType, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else throw new Error(`wire type ${wireType}`);
  }
  return out;
}

export function fieldsOf(fields: WireField[], field: number): WireField[] {
  return fields.filter((f) => f.field === field);
}
