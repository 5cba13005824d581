import type { AffineMatrix } from '@hrnetjs/core/ops';

/** A 2-D point [x, y]. */
export type Point = readonly [number, number];

const f32 = Math.fround;

/**
 * `cv2.getAffineTransform(src, dst)`: the affine map sending three points onto three others, solved
 * as OpenCV does (a 6×6 system by LU with partial pivoting, in float64) so matrices agree to the last
 * bits. Points are rounded to float32 first, as the official code passes `np.float32` arrays.
 */
export function solveAffineFromPoints(src: readonly Point[], dst: readonly Point[]): AffineMatrix {
  if (src.length !== 3 || dst.length !== 3) throw new Error('getAffineTransform needs exactly three point pairs');
  const a = new Float64Array(36);
  const b = new Float64Array(6);
  for (let i = 0; i < 3; i++) {
    const j = i * 12;
    const k = j + 6;
    a[j] = a[k + 3] = f32(src[i][0]);
    a[j + 1] = a[k + 4] = f32(src[i][1]);
    a[j + 2] = a[k + 5] = 1;
    b[i * 2] = f32(dst[i][0]);
    b[i * 2 + 1] = f32(dst[i][1]);
  }
  luSolve(a, b, 6);
  return [b[0], b[1], b[2], b[3], b[4], b[5]];
}

/** OpenCV's hal::LU64f (LUImpl): in-place elimination with row pivoting, then back-substitution. */
function luSolve(a: Float64Array, b: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (Math.abs(a[j * m + i]) > Math.abs(a[k * m + i])) k = j;
    if (Math.abs(a[k * m + i]) < Number.EPSILON * 100) {
      throw new Error('getAffineTransform: the three points are collinear (singular system); is the box size zero?');
    }
    if (k !== i) {
      for (let j = i; j < m; j++) [a[i * m + j], a[k * m + j]] = [a[k * m + j], a[i * m + j]];
      [b[i], b[k]] = [b[k], b[i]];
    }
    const d = -1 / a[i * m + i];
    for (let j = i + 1; j < m; j++) {
      const alpha = a[j * m + i] * d;
      for (let c = i + 1; c < m; c++) a[j * m + c] += alpha * a[i * m + c];
      b[j] += alpha * b[i];
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let c = i + 1; c < m; c++) s -= a[i * m + c] * b[c];
    b[i] = s / a[i * m + i];
  }
}

/** `get_dir`: rotate a direction by `rotRad` (float64, as numpy computes it). */
function getDir(point: Point, rotRad: number): [number, number] {
  const sn = Math.sin(rotRad);
  const cs = Math.cos(rotRad);
  return [point[0] * cs - point[1] * sn, point[0] * sn + point[1] * cs];
}

/** `get_3rd_point`: b + (a − b) rotated by 90°, in float32 like the official arrays. */
function get3rdPoint(a: Point, b: Point): [number, number] {
  const dx = f32(a[0] - b[0]);
  const dy = f32(a[1] - b[1]);
  return [f32(b[0] - dy), f32(b[1] + dx)];
}

/**
 * The official `get_affine_transform(center, scale, rot, output_size, inv)`: maps the box given by
 * `center` and `scale` (in units of 200 px; only `scale[0]` is used) onto an `outputSize` [w, h]
 * image, the center going to (w/2, h/2); `rot` in degrees; `inv` gives output → image instead.
 */
export function getAffineTransform(
  center: Point,
  scale: Point,
  rot: number,
  outputSize: Point,
  inv = false,
): AffineMatrix {
  const srcW = f32(f32(scale[0]) * 200);
  const [dstW, dstH] = outputSize;
  const srcDir = getDir([0, srcW * -0.5], (Math.PI * rot) / 180);
  const c: Point = [f32(center[0]), f32(center[1])];
  const src0: Point = c;
  const src1: Point = [f32(c[0] + srcDir[0]), f32(c[1] + srcDir[1])];
  const dst0: Point = [f32(dstW * 0.5), f32(dstH * 0.5)];
  const dst1: Point = [f32(dstW * 0.5 + 0), f32(dstH * 0.5 + f32(dstW * -0.5))];
  const src = [src0, src1, get3rdPoint(src0, src1)];
  const dst = [dst0, dst1, get3rdPoint(dst0, dst1)];
  return inv ? solveAffineFromPoints(dst, src) : solveAffineFromPoints(src, dst);
}

/** `affine_transform`: applies a 2×3 matrix to one point. */
export function affineTransform(pt: Point, t: AffineMatrix): [number, number] {
  return [t[0] * pt[0] + t[1] * pt[1] + t[2], t[3] * pt[0] + t[4] * pt[1] + t[5]];
}
