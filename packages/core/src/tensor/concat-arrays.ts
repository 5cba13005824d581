type NumericArray = Float32Array | Int32Array;

/** Concatenates typed arrays of one kind (e.g. per-sample data into one batch buffer). */
export function concatArrays<T extends NumericArray>(parts: readonly T[], create: (length: number) => T): T {
  const out = create(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
