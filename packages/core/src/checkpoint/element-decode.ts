import type { DType, TensorValues } from '../tensor/tensor-data.js';

/** True on every mainstream JS engine; checked so big-endian hosts still read files correctly. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of every `elementSize`-byte element, in place. */
export function swapBytes(raw: Uint8Array, elementSize: number): void {
  if (elementSize === 1) return;
  for (let i = 0; i + elementSize <= raw.length; i += elementSize) {
    for (let a = i, b = i + elementSize - 1; a < b; a++, b--) {
      const t = raw[a];
      raw[a] = raw[b];
      raw[b] = t;
    }
  }
}

/** IEEE binary16 bits → number (exact: every half value is a float32 value). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Turns raw element bytes in HOST byte order into the typed array {@link TensorValues} uses.
 * `raw` must own its buffer from offset 0 (it is viewed, not copied, where types allow).
 * float16 / bfloat16 widen to Float32Array; bool stays bytes.
 */
export function viewElements(raw: Uint8Array, dtype: DType): TensorValues {
  const buf = raw.buffer as ArrayBuffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf, 0, raw.length / 4);
    case 'float64':
      return new Float64Array(buf, 0, raw.length / 8);
    case 'int64':
      return new BigInt64Array(buf, 0, raw.length / 8);
    case 'int32':
      return new Int32Array(buf, 0, raw.length / 4);
    case 'int16':
      return new Int16Array(buf, 0, raw.length / 2);
    case 'int8':
      return new Int8Array(buf, 0, raw.length);
    case 'uint8':
    case 'bool':
      return raw;
    case 'float16': {
      const bits = new Uint16Array(buf, 0, raw.length / 2);
      const out = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]);
      return out;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shift the bits into place and reinterpret.
      const bits = new Uint16Array(buf, 0, raw.length / 2);
      const wide = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) wide[i] = bits[i] << 16;
      return new Float32Array(wide.buffer);
    }
  }
}
