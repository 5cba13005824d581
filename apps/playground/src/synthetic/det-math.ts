/**
 * sin / cos from + − × ÷ only. `Math.sin` may differ in the last bit between JS engines; the scenes
 * promise the same pixels everywhere, so their geometry uses these instead.
 */

const TWO_PI = 2 * Math.PI;
const HALF_PI = Math.PI / 2;

/** Taylor series of sin on [−π/2, π/2] (error < 1e-13 there). */
function sinReduced(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n <= 10; n++) {
    term *= -x2 / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

/** sin(x), bit-identical in every engine (absolute error < 1e-12 for |x| < 1e3). */
export function detSin(x: number): number {
  // Reduce to (−π, π], then fold onto [−π/2, π/2] with sin(π − x) = sin(x).
  let r = x - TWO_PI * Math.round(x / TWO_PI);
  if (r > HALF_PI) r = Math.PI - r;
  else if (r < -HALF_PI) r = -Math.PI - r;
  return sinReduced(r);
}

/** cos(x) = sin(x + π/2), with the same guarantees as {@link detSin}. */
export function detCos(x: number): number {
  return detSin(x + HALF_PI);
}

/** Degrees → radians. */
export function rad(degrees: number): number {
  return (degrees * Math.PI) / 180;
}
