/**
 * Binary rasterisation of one object's shape into a part map (no anti-aliasing, so masks, boxes and
 * areas are exact). A pixel (x, y) is covered when its centre — the point (x, y), the convention of
 * the HRNet pipelines — lies inside the shape.
 */

/** One object's shape: a part id per image pixel (0 = not this object) and the touched extent. */
export interface PartLayer {
  width: number;
  height: number;
  parts: Uint8Array;
  /** Inclusive pixel extent touched so far (x0 > x1 while empty). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** An empty layer for a width×height image. */
export function createLayer(width: number, height: number): PartLayer {
  return { width, height, parts: new Uint8Array(width * height), x0: width, y0: height, x1: -1, y1: -1 };
}

/** A point of the image plane. */
export interface Point {
  x: number;
  y: number;
}

type Inside = (x: number, y: number) => boolean;

/**
 * Writes `part` on every pixel of [minX, maxX] × [minY, maxY] (clipped to the image) where `inside`
 * holds; with `onlyOver`, only where the layer already holds that part (details drawn on a part).
 */
function fillWhere(layer: PartLayer, minX: number, minY: number, maxX: number, maxY: number, part: number, inside: Inside, onlyOver?: number): void {
  const xa = Math.max(0, Math.ceil(minX));
  const ya = Math.max(0, Math.ceil(minY));
  const xb = Math.min(layer.width - 1, Math.floor(maxX));
  const yb = Math.min(layer.height - 1, Math.floor(maxY));
  for (let y = ya; y <= yb; y++) {
    const row = y * layer.width;
    for (let x = xa; x <= xb; x++) {
      if (onlyOver !== undefined && layer.parts[row + x] !== onlyOver) continue;
      if (!inside(x, y)) continue;
      layer.parts[row + x] = part;
      if (x < layer.x0) layer.x0 = x;
      if (x > layer.x1) layer.x1 = x;
      if (y < layer.y0) layer.y0 = y;
      if (y > layer.y1) layer.y1 = y;
    }
  }
}

/** Fills the disc of radius `r` around `c`. */
export function fillDisc(layer: PartLayer, c: Point, r: number, part: number, onlyOver?: number): void {
  const r2 = r * r;
  fillWhere(layer, c.x - r, c.y - r, c.x + r, c.y + r, part, (x, y) => (x - c.x) * (x - c.x) + (y - c.y) * (y - c.y) <= r2, onlyOver);
}

/** Fills the capsule of radius `r` around segment a–b (a limb: a thick line with round ends). */
export function fillCapsule(layer: PartLayer, a: Point, b: Point, r: number, part: number, onlyOver?: number): void {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  const inside: Inside = (x, y) => {
    let t = len2 > 0 ? ((x - a.x) * dx + (y - a.y) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = x - (a.x + t * dx);
    const ey = y - (a.y + t * dy);
    return ex * ex + ey * ey <= r2;
  };
  fillWhere(layer, Math.min(a.x, b.x) - r, Math.min(a.y, b.y) - r, Math.max(a.x, b.x) + r, Math.max(a.y, b.y) + r, part, inside, onlyOver);
}

/** Fills a simple polygon (even–odd rule; convex or not). */
export function fillPolygon(layer: PartLayer, points: readonly Point[], part: number): void {
  if (points.length < 3) throw new RangeError(`fillPolygon: a polygon needs at least 3 points, got ${points.length}`);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const inside: Inside = (x, y) => {
    let odd = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const pi = points[i];
      const pj = points[j];
      if (pi.y > y !== pj.y > y && x < ((pj.x - pi.x) * (y - pi.y)) / (pj.y - pi.y) + pi.x) odd = !odd;
    }
    return odd;
  };
  fillWhere(layer, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), part, inside);
}
