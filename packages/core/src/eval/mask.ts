import { CocoEvalError } from './coco-types.js';

/**
 * COCO run-length encoding, as cocoapi's `maskApi.c`: runs alternate 0s / 1s (starting with 0s)
 * over the mask in COLUMN-major order; `counts` is the compressed string of `rleToString`.
 */
export interface Rle {
  /** [height, width] */
  size: [number, number];
  counts: string;
}

/** Uncompressed RLE (pycocotools' `{'size': [h, w], 'counts': [..]}`; also what `decode` reads). */
export interface RleCounts {
  size: [number, number];
  counts: number[];
}

/** Run lengths of a ROW-major 0/1 bitmap [h × w], read column by column (`rleEncode`). */
export function maskToCounts(mask: ArrayLike<number>, height: number, width: number): number[] {
  if (mask.length !== height * width) throw new Error(`mask has ${mask.length} pixels, expected ${height}×${width}`);
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] ? 1 : 0;
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** `rleToString`: LEB128-like, 5 bits per char (+48), deltas against the run two back after the 3rd. */
export function countsToString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32; // x & 0x1f on two's complement
      x = Math.floor(x / 32); // arithmetic shift
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** `rleFrString`: inverse of {@link countsToString}. */
export function countsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new CocoEvalError(`RLE counts string has an invalid character ${JSON.stringify(s[p])} at ${p}`);
      x += (c & 0x1f) * 32 ** k;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 32 ** k; // sign-extend
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** pycocotools `mask.encode` of one row-major bitmap. */
export function encodeMask(mask: ArrayLike<number>, height: number, width: number): Rle {
  return { size: [height, width], counts: countsToString(maskToCounts(mask, height, width)) };
}

/** pycocotools `mask.decode`: a row-major 0/1 bitmap. */
export function decodeMask(rle: Rle | RleCounts): Uint8Array {
  const [h, w] = rle.size;
  const counts = rleCounts(rle);
  const out = new Uint8Array(h * w);
  let i = 0;
  let v = 0;
  for (const c of counts) {
    for (let j = 0; j < c; j++, i++) if (v) out[(i % h) * w + Math.floor(i / h)] = 1;
    v ^= 1;
  }
  if (i !== h * w) throw new CocoEvalError(`RLE counts sum to ${i}, expected ${h}×${w} = ${h * w}`);
  return out;
}

function rleCounts(rle: Rle | RleCounts): number[] {
  return typeof rle.counts === 'string' ? countsFromString(rle.counts) : rle.counts;
}

/** pycocotools `mask.area`: pixels set (the odd runs). */
export function maskArea(rle: Rle | RleCounts): number {
  const c = rleCounts(rle);
  let a = 0;
  for (let i = 1; i < c.length; i += 2) a += c[i];
  return a;
}

/** pycocotools `mask.toBbox` ([x, y, w, h] of the set pixels; `rleToBbox`, zeros when empty). */
export function maskToBbox(rle: Rle | RleCounts): [number, number, number, number] {
  const cnts = rleCounts(rle);
  const [h, w] = rle.size;
  const m = Math.floor(cnts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += cnts[j];
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * pycocotools `mask.iou(dt, gt, iscrowd)`: [D × G] row-major; a crowd gt divides the intersection
 * by the detection's area only. Masks of different sizes are an error (cocoapi returns −1).
 */
export function maskIou(dt: ReadonlyArray<Rle | RleCounts>, gt: ReadonlyArray<Rle | RleCounts>, iscrowd: ReadonlyArray<number | boolean>): Float64Array {
  const out = new Float64Array(dt.length * gt.length);
  const dc = dt.map(rleCounts);
  const gc = gt.map(rleCounts);
  for (let d = 0; d < dt.length; d++) {
    for (let g = 0; g < gt.length; g++) {
      if (dt[d].size[0] !== gt[g].size[0] || dt[d].size[1] !== gt[g].size[1]) {
        throw new CocoEvalError(`mask IoU: detection ${d} is ${dt[d].size.join('×')} but ground truth ${g} is ${gt[g].size.join('×')}`);
      }
      const a = dc[d];
      const b = gc[g];
      let ca = a[0];
      let cb = b[0];
      let ka = 1;
      let kb = 1;
      let va = false;
      let vb = false;
      let inter = 0;
      let union = 0;
      let ct = 1;
      while (ct > 0) {
        const c = Math.min(ca, cb);
        if (va || vb) {
          union += c;
          if (va && vb) inter += c;
        }
        ct = 0;
        ca -= c;
        if (!ca && ka < a.length) {
          ca = a[ka++];
          va = !va;
        }
        ct += ca;
        cb -= c;
        if (!cb && kb < b.length) {
          cb = b[kb++];
          vb = !vb;
        }
        ct += cb;
      }
      if (inter === 0) union = 1;
      else if (iscrowd[g]) union = maskArea(dt[d]);
      out[d * gt.length + g] = inter / union;
    }
  }
  return out;
}

/** `rleMerge(.., intersect=0)`: the union of same-sized masks (pycocotools `mask.merge`). */
export function mergeMasks(rles: ReadonlyArray<RleCounts>): RleCounts {
  if (rles.length === 0) throw new CocoEvalError('mask merge: no masks');
  const [h, w] = rles[0].size;
  let cnts = [...rles[0].counts];
  for (let i = 1; i < rles.length; i++) {
    const B = rles[i].counts;
    if (rles[i].size[0] !== h || rles[i].size[1] !== w) throw new CocoEvalError('mask merge: masks of different sizes');
    const A = cnts;
    const merged: number[] = [];
    let ca = A[0];
    let cb = B[0];
    let v = false;
    let va = false;
    let vb = false;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc += c;
      ct = 0;
      ca -= c;
      if (!ca && a < A.length) {
        ca = A[a++];
        va = !va;
      }
      ct += ca;
      cb -= c;
      if (!cb && b < B.length) {
        cb = B[b++];
        vb = !vb;
      }
      ct += cb;
      const vp: boolean = v;
      v = va || vb;
      if (v !== vp || ct === 0) {
        merged.push(cc);
        cc = 0;
      }
    }
    cnts = merged;
  }
  return { size: [h, w], counts: cnts };
}

/**
 * `rleFrPoly`: a polygon [x0, y0, x1, y1, …] rasterised as cocoapi does (boundary traced at 5×
 * resolution, then the y-boundary points downsampled), so areas and IoUs match pycocotools.
 */
export function polygonToRle(xy: readonly number[], h: number, w: number): RleCounts {
  const k = Math.floor(xy.length / 2);
  const scale = 5;
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) x.push(Math.trunc(scale * xy[2 * j] + 0.5));
  x.push(x[0]);
  for (let j = 0; j < k; j++) y.push(Math.trunc(scale * xy[2 * j + 1] + 0.5));
  y.push(y[0]);
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  const a: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    a.push(xd * h + yd);
  }
  a.push(h * w);
  // uint arithmetic in cocoapi: sort, then differences
  a.sort((p, q) => p - q);
  let prev = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j];
    a[j] -= prev;
    prev = t;
  }
  const b: number[] = [];
  let j = 0;
  b.push(a[j++]);
  while (j < a.length) {
    if (a[j] > 0) b.push(a[j++]);
    else {
      j++;
      if (j < a.length) b[b.length - 1] += a[j++];
    }
  }
  return { size: [h, w], counts: b };
}

/**
 * `COCO.annToRLE`: polygons (merged), uncompressed RLE or compressed RLE → an RLE of an
 * `h × w` image.
 */
export function segmentationToRle(segm: unknown, h: number, w: number): Rle | RleCounts {
  if (Array.isArray(segm)) {
    if (segm.length === 0 || !segm.every((p) => Array.isArray(p) && p.every((v) => typeof v === 'number'))) {
      throw new CocoEvalError(`segmentation polygons must be a non-empty list of [x0, y0, x1, y1, …] lists`);
    }
    // pycocotools frPyObjects: a first entry of exactly 4 numbers makes the list bounding boxes.
    const polys = (segm as number[][]).map((p) =>
      segm[0].length === 4 ? [p[0], p[1], p[0], p[1] + p[3], p[0] + p[2], p[1] + p[3], p[0] + p[2], p[1]] : p,
    );
    return mergeMasks(polys.map((p) => polygonToRle(p, h, w)));
  }
  const r = segm as { size?: unknown; counts?: unknown } | null;
  if (!r || !Array.isArray(r.size) || r.size.length !== 2) {
    throw new CocoEvalError(`segmentation must be polygons or an RLE {size: [h, w], counts}, got ${JSON.stringify(segm)?.slice(0, 80)}`);
  }
  if (typeof r.counts === 'string') return { size: [r.size[0], r.size[1]], counts: r.counts };
  if (Array.isArray(r.counts)) return { size: [r.size[0], r.size[1]], counts: r.counts as number[] };
  throw new CocoEvalError('segmentation RLE counts must be a string or a list of run lengths');
}
