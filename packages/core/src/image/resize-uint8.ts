import { checkDimensions, ImageInputError, type RgbImage } from './rgb-image.js';

/** OpenCV's INTER_RESIZE_COEF_BITS: linear weights are 11-bit fixed point. */
const COEF_SCALE = 2048;

/** Round half to even, as cvRound / lrint do in the default rounding mode. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Source index and fixed-point weights of every output position along one axis. */
interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  c0: Int32Array;
  c1: Int32Array;
}

/**
 * One axis of OpenCV's uint8 INTER_LINEAR table: source position f = (d + 0.5)·(in/out) − 0.5 in
 * float32, i = ⌊f⌋, a = f − i. Columns clamp (i, a) to (0, 0) / (in − 1, 0) at the borders; rows
 * keep a and clamp the two source rows separately (OpenCV's horizontal and vertical passes differ).
 */
function axisTable(nIn: number, nOut: number, axis: 'x' | 'y'): AxisTable {
  const t: AxisTable = { i0: new Int32Array(nOut), i1: new Int32Array(nOut), c0: new Int32Array(nOut), c1: new Int32Array(nOut) };
  const scale = nIn / nOut;
  for (let d = 0; d < nOut; d++) {
    const f = Math.fround((d + 0.5) * scale - 0.5);
    let i = Math.floor(f);
    let a = Math.fround(f - i);
    let i1 = i + 1;
    if (axis === 'x') {
      if (i < 0) [i, a] = [0, 0];
      if (i >= nIn - 1) [i, a] = [nIn - 1, 0];
      i1 = Math.min(i + 1, nIn - 1);
    } else {
      i1 = Math.min(Math.max(i1, 0), nIn - 1);
      i = Math.min(Math.max(i, 0), nIn - 1);
    }
    t.i0[d] = i;
    t.i1[d] = i1;
    t.c0[d] = rint(Math.fround(1 - a) * COEF_SCALE);
    t.c1[d] = rint(a * COEF_SCALE);
  }
  return t;
}

/** OpenCV's shortcut for an exact ×½ downscale on both axes: INTER_AREA, (sum of 2×2 + 2) >> 2. */
function halveArea(image: RgbImage, width: number, height: number): RgbImage {
  const src = image.data;
  const out = new Uint8Array(width * height * 3);
  const rowStride = image.width * 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = 2 * y * rowStride + 2 * x * 3;
      for (let c = 0; c < 3; c++) {
        const sum = src[s + c] + src[s + 3 + c] + src[s + rowStride + c] + src[s + rowStride + 3 + c];
        out[(y * width + x) * 3 + c] = (sum + 2) >> 2;
      }
    }
  }
  return { width, height, data: out };
}

/**
 * `cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)` on an 8-bit image, bit-exact:
 * OpenCV runs uint8 bilinear in fixed point (11-bit weights, a horizontal pass into integers, then a
 * vertical pass with >> 4, >> 16 and a rounding >> 2), which differs from float bilinear by ±1 in
 * a few percent of values. An exact ×½ downscale takes OpenCV's INTER_AREA path, as cv2 does.
 * This is mmcv's `imresize` / mmdet's `Resize` on the decoded image.
 */
export function resizeBilinearUint8(image: RgbImage, width: number, height: number): RgbImage {
  checkDimensions(image.width, image.height, 3, image.data.length, 'resizeBilinearUint8 input');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageInputError(`resizeBilinearUint8: target size must be positive integers, got ${width}×${height}`);
  }
  if (width === image.width && height === image.height) return { width, height, data: Uint8Array.from(image.data) };
  if (image.width === 2 * width && image.height === 2 * height) return halveArea(image, width, height);

  const xs = axisTable(image.width, width, 'x');
  const ys = axisTable(image.height, height, 'y');
  const src = image.data;
  const srcRow = image.width * 3;
  // Horizontal pass of one source row, cached: consecutive output rows mostly share source rows.
  const cache = new Map<number, Int32Array>();
  const horizontal = (sy: number): Int32Array => {
    let row = cache.get(sy);
    if (row) return row;
    row = new Int32Array(width * 3);
    const base = sy * srcRow;
    for (let x = 0; x < width; x++) {
      const p0 = base + xs.i0[x] * 3;
      const p1 = base + xs.i1[x] * 3;
      for (let c = 0; c < 3; c++) row[x * 3 + c] = xs.c0[x] * src[p0 + c] + xs.c1[x] * src[p1 + c];
    }
    if (cache.size > 4) cache.delete(cache.keys().next().value as number);
    cache.set(sy, row);
    return row;
  };

  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const r0 = horizontal(ys.i0[y]);
    const r1 = horizontal(ys.i1[y]);
    const b0 = ys.c0[y];
    const b1 = ys.c1[y];
    const o = y * width * 3;
    for (let k = 0; k < width * 3; k++) {
      const v = (((b0 * (r0[k] >> 4)) >> 16) + ((b1 * (r1[k] >> 4)) >> 16) + 2) >> 2;
      out[o + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width, height, data: out };
}
