import { ImageInputError, type RgbImage, checkDimensions } from './rgb-image.js';

/**
 * A 2×3 affine matrix, row-major `[a, b, c, d, e, f]`: x' = a·x + b·y + c, y' = d·x + e·y + f
 * (what `cv2.getAffineTransform` returns, flattened).
 */
export type AffineMatrix = readonly [number, number, number, number, number, number];

/** Options of {@link warpAffine}. */
export interface WarpAffineOptions {
  /** Colour of pixels taken from outside the image (OpenCV BORDER_CONSTANT); default black. */
  borderValue?: readonly [number, number, number];
}

// OpenCV's fixed-point constants (imgwarp.cpp): coordinates carry AB_BITS fraction bits, the
// sub-pixel position is quantised to 1/INTER_TAB_SIZE px, bilinear weights sum to 2^15.
const AB_BITS = 10;
const AB_SCALE = 1 << AB_BITS;
const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const INTER_REMAP_COEF_BITS = 15;
const ROUND_DELTA = AB_SCALE / INTER_TAB_SIZE / 2;
const SHORT_MIN = -32768;
const SHORT_MAX = 32767;

/** cvRound: nearest integer, ties to even (the SSE2 conversion OpenCV uses), saturated to int32. */
export function cvRound(value: number): number {
  let r = Math.round(value);
  // Math.round sends .5 up; the hardware rounding sends it to the even neighbour.
  if (r - value === 0.5 && r % 2 !== 0) r -= 1;
  if (!(r >= -2147483648 && r <= 2147483647)) return -2147483648; // cvtsd2si's "integer indefinite"
  return r;
}

function saturateShort(v: number): number {
  return v < SHORT_MIN ? SHORT_MIN : v > SHORT_MAX ? SHORT_MAX : v;
}

/** The inverse of a forward map exactly as `cv::warpAffine` computes it (explicit 2×2 inverse). */
export function invertAffineLikeOpenCV(m: AffineMatrix): AffineMatrix {
  let d = m[0] * m[4] - m[1] * m[3];
  d = d !== 0 ? 1 / d : 0;
  const a11 = m[4] * d;
  const a22 = m[0] * d;
  const m1 = m[1] * -d;
  const m3 = m[3] * -d;
  const b1 = -a11 * m[2] - m1 * m[5];
  const b2 = -m3 * m[2] - a22 * m[5];
  return [a11, m1, b1, m3, a22, b2];
}

/** Bilinear weights for every 1/32-px sub-position (OpenCV's BilinearTab_i): exact integers here. */
function bilinearTable(): Int32Array {
  const table = new Int32Array(INTER_TAB_SIZE * INTER_TAB_SIZE * 4);
  const scale = (1 << INTER_REMAP_COEF_BITS) / (INTER_TAB_SIZE * INTER_TAB_SIZE);
  for (let fy = 0; fy < INTER_TAB_SIZE; fy++) {
    for (let fx = 0; fx < INTER_TAB_SIZE; fx++) {
      const o = (fy * INTER_TAB_SIZE + fx) * 4;
      // (1 − fy/32)(1 − fx/32)·2^15 etc. are whole numbers, so OpenCV's float table rounds to these.
      table[o] = (INTER_TAB_SIZE - fy) * (INTER_TAB_SIZE - fx) * scale;
      table[o + 1] = (INTER_TAB_SIZE - fy) * fx * scale;
      table[o + 2] = fy * (INTER_TAB_SIZE - fx) * scale;
      table[o + 3] = fy * fx * scale;
    }
  }
  return table;
}

let weights: Int32Array | undefined;

function checkMatrix(matrix: AffineMatrix): void {
  if (!Array.isArray(matrix) || matrix.length !== 6 || !matrix.every((v) => Number.isFinite(v))) {
    throw new ImageInputError(`warpAffine: the matrix must be 6 finite numbers [a, b, c, d, e, f], got ${JSON.stringify(matrix)}`);
  }
}

/**
 * `cv2.warpAffine(src, M, (width, height), flags=INTER_LINEAR, borderMode=BORDER_CONSTANT)` on 8-bit
 * RGB, bit-exact with OpenCV's fixed-point path: M (image → output) is inverted, each output pixel's
 * source position is computed in 1/1024 px (rounded per row and per column as OpenCV does), then
 * quantised to 1/32 px and interpolated with 15-bit integer weights. Taps outside the image take the
 * border value, so boxes that leave the image get OpenCV's partially dark edge pixels.
 */
export function warpAffine(
  src: RgbImage,
  matrix: AffineMatrix,
  width: number,
  height: number,
  options: WarpAffineOptions = {},
): RgbImage {
  checkDimensions(src.width, src.height, 3, src.data.length, 'warpAffine source');
  checkMatrix(matrix);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageInputError(`warpAffine: the output size must be positive integers, got ${width}×${height}`);
  }
  const border = options.borderValue ?? [0, 0, 0];
  const table = (weights ??= bilinearTable());
  const inv = invertAffineLikeOpenCV(matrix);
  const { data: s, width: sw, height: sh } = src;
  const out = new Uint8Array(width * height * 3);

  // Per-column offsets, as OpenCV's adelta/bdelta (rounded separately from the per-row part).
  const adelta = new Int32Array(width);
  const bdelta = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    adelta[x] = cvRound(inv[0] * x * AB_SCALE);
    bdelta[x] = cvRound(inv[3] * x * AB_SCALE);
  }
  const shift = AB_BITS - INTER_BITS;
  const mask = INTER_TAB_SIZE - 1;
  const half = 1 << (INTER_REMAP_COEF_BITS - 1);
  const tap = (xx: number, yy: number, c: number): number =>
    xx >= 0 && xx < sw && yy >= 0 && yy < sh ? s[(yy * sw + xx) * 3 + c] : border[c];

  for (let y = 0; y < height; y++) {
    const x0 = (cvRound((inv[1] * y + inv[2]) * AB_SCALE) + ROUND_DELTA) | 0;
    const y0 = (cvRound((inv[4] * y + inv[5]) * AB_SCALE) + ROUND_DELTA) | 0;
    for (let x = 0; x < width; x++) {
      // int32 wrap-around and arithmetic shifts, as the C++ does.
      const X = ((x0 + adelta[x]) | 0) >> shift;
      const Y = ((y0 + bdelta[x]) | 0) >> shift;
      const sx = saturateShort(X >> INTER_BITS);
      const sy = saturateShort(Y >> INTER_BITS);
      const w = ((Y & mask) * INTER_TAB_SIZE + (X & mask)) * 4;
      const o = (y * width + x) * 3;
      if (sx >= 0 && sx < sw - 1 && sy >= 0 && sy < sh - 1) {
        const p = (sy * sw + sx) * 3;
        const q = p + sw * 3;
        for (let c = 0; c < 3; c++) {
          const sum = s[p + c] * table[w] + s[p + 3 + c] * table[w + 1] + s[q + c] * table[w + 2] + s[q + 3 + c] * table[w + 3];
          out[o + c] = (sum + half) >> INTER_REMAP_COEF_BITS;
        }
      } else if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) {
        out[o] = border[0];
        out[o + 1] = border[1];
        out[o + 2] = border[2];
      } else {
        for (let c = 0; c < 3; c++) {
          const sum =
            tap(sx, sy, c) * table[w] + tap(sx + 1, sy, c) * table[w + 1] + tap(sx, sy + 1, c) * table[w + 2] + tap(sx + 1, sy + 1, c) * table[w + 3];
          out[o + c] = Math.min(255, Math.max(0, (sum + half) >> INTER_REMAP_COEF_BITS));
        }
      }
    }
  }
  return { data: out, width, height };
}
