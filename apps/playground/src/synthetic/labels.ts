/**
 * Label maps as RGB images, so they can be stored as PNGs with the core encoder and read back with
 * `decodeImage`: class ids in every channel, instance ids in R (low byte) and G (high byte).
 */
import type { RgbImage } from '@hrnetjs/core';
import { hsvToRgb } from './texture.js';

/** Semantic mask → RGB with the class id in R, G and B (read back from any channel). */
export function semanticLabelImage(mask: Uint8Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < mask.length; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = mask[i];
  return { data, width, height };
}

/** Instance mask → RGB with id = R + 256 · G (B = 0); ids must be below 65536. */
export function instanceLabelImage(mask: Int32Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < mask.length; i++) {
    const id = mask[i];
    if (id < 0 || id > 0xffff) throw new RangeError(`instance id ${id} at pixel ${i} does not fit a 16-bit label PNG`);
    data[i * 3] = id & 0xff;
    data[i * 3 + 1] = id >>> 8;
  }
  return { data, width, height };
}

/** A colour picture of a label map for viewing (0 stays black; each id a distinct hue). */
export function colorizeLabels(mask: ArrayLike<number>, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    // Golden-ratio hue steps keep neighbouring ids apart.
    const [r, g, b] = hsvToRgb(mask[i] * 0.618034, 0.75, 0.95);
    data[i * 3] = Math.round(r);
    data[i * 3 + 1] = Math.round(g);
    data[i * 3 + 2] = Math.round(b);
  }
  return { data, width, height };
}
