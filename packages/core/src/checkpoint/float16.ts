/** Rounds to the nearest integer, ties to even (IEEE's default rounding). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * number → IEEE binary16 bits, rounded to nearest even like a hardware conversion (and like
 * numpy's `astype(float16)`): overflow gives ±Infinity, tiny values become subnormals or ±0,
 * NaN stays NaN. Rounds from the exact double, so float64 input is not rounded twice.
 */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  // 65520 is halfway between the largest half (65504) and 2^16: ties-to-even carries it to Infinity.
  if (a >= 65520) return sign | 0x7c00;
  // Subnormals (and zero) are integer multiples of 2^-24; a carry to 1024 is exactly the smallest normal.
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one ulp near powers of two; pin the exponent exactly.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  // Both steps are exact in double precision; a mantissa carry (1024) correctly bumps the exponent.
  const mantissa = roundHalfEven((a / 2 ** e - 1) * 1024);
  return sign | (((e + 15) << 10) + mantissa);
}

/** Encodes float values as binary16 bits (see {@link floatToHalf}). */
export function encodeFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]);
  return out;
}
