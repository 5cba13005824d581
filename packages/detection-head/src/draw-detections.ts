import type { RgbImage } from '@hrnetjs/core';
import type { Detection } from './detect.js';

/** A fixed, distinct colour per class id (golden-ratio hue steps). */
function classColour(id: number): [number, number, number] {
  const h = (id * 0.618033988749895) % 1;
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

/** Blends `colour` into the pixels a mask sets (the mask must have the image's size). */
function fillMask(out: RgbImage, mask: Uint8Array, width: number, height: number, colour: [number, number, number], alpha: number): void {
  if (width !== out.width || height !== out.height) throw new Error(`drawDetections: a mask is ${width}×${height} but the image is ${out.width}×${out.height}`);
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let k = 0; k < 3; k++) out.data[3 * p + k] = Math.round((1 - alpha) * out.data[3 * p + k] + alpha * colour[k]);
  }
}

/**
 * A copy of `image` with every detection's box outlined (`lineWidth` px, one colour per class) and
 * its instance mask, if any, filled with the same colour at `maskAlpha`; lowest score first so the
 * best detections end up on top.
 */
export function drawDetections(image: RgbImage, detections: readonly Detection[], lineWidth = 2, maskAlpha = 0.5): RgbImage {
  const out = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const put = (x: number, y: number, c: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= out.width || y >= out.height) return;
    out.data.set(c, (y * out.width + x) * 3);
  };
  for (const d of [...detections].sort((a, b) => a.score - b.score)) {
    const c = classColour(d.labelId);
    if (d.mask) fillMask(out, d.mask.data, d.mask.width, d.mask.height, c, maskAlpha);
    const x0 = Math.round(d.box.xmin);
    const y0 = Math.round(d.box.ymin);
    const x1 = Math.round(d.box.xmax);
    const y1 = Math.round(d.box.ymax);
    for (let t = 0; t < lineWidth; t++) {
      for (let x = x0; x <= x1; x++) {
        put(x, y0 + t, c);
        put(x, y1 - t, c);
      }
      for (let y = y0; y <= y1; y++) {
        put(x0 + t, y, c);
        put(x1 - t, y, c);
      }
    }
  }
  return out;
}
