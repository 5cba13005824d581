/** A person box in image pixels (top-left corner, size), optionally with a detector score. */
export interface PersonBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector confidence (official `box_score`); 1 when absent, as for ground-truth boxes. */
  score?: number;
}

/** The official box encoding: center and scale (box size / 200 px, aspect-fixed and ×1.25). */
export interface CenterScale {
  center: [number, number];
  scale: [number, number];
}

/** `pixel_std` of the official datasets: scale is measured in units of 200 px. */
export const PIXEL_STD = 200;

/** Checks a box and says exactly what is wrong. */
export function checkBox(box: PersonBox, what = 'box'): void {
  const { x, y, width, height, score } = box ?? ({} as PersonBox);
  if (![x, y, width, height].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${what} must be {x, y, width, height} with finite numbers, got ${JSON.stringify(box)}`);
  }
  if (!(width > 0 && height > 0)) throw new Error(`${what} must have a positive width and height, got ${width}×${height}`);
  if (score !== undefined && !Number.isFinite(score)) throw new Error(`${what}.score must be a finite number, got ${score}`);
}

/**
 * `_xywh2cs` of the official COCO dataset (detection-box path): center = box middle; the short side
 * is padded so width/height equals `aspectRatio` (model input width / height); scale = size / 200,
 * rounded to float32, then ×1.25. Float32 rounding happens exactly where numpy's does.
 */
export function xywh2cs(box: PersonBox, aspectRatio: number, scaleMultiplier = 1.25): CenterScale {
  checkBox(box);
  let { width: w, height: h } = box;
  const cx = Math.fround(box.x + w * 0.5);
  const cy = Math.fround(box.y + h * 0.5);
  if (w > aspectRatio * h) h = (w * 1.0) / aspectRatio;
  else if (w < aspectRatio * h) w = h * aspectRatio;
  let scale: [number, number] = [Math.fround(w / PIXEL_STD), Math.fround(h / PIXEL_STD)];
  // The official code skips the padding only for its "no center" marker.
  if (cx !== -1) scale = [Math.fround(scale[0] * scaleMultiplier), Math.fround(scale[1] * scaleMultiplier)];
  return { center: [cx, cy], scale };
}

/** Box area as the official evaluation computes it: (scale_w·200)·(scale_h·200) in float32. */
export function scaleArea(scale: readonly [number, number]): number {
  return Math.fround(Math.fround(scale[0] * PIXEL_STD) * Math.fround(scale[1] * PIXEL_STD));
}
