/**
 * Paint-order compositing of object layers into the scene's image, instance mask and semantic mask,
 * with a dark outline on object edges (and a lighter one between parts) so shapes read clearly.
 */
import type { PartLayer } from './raster.js';
import { clampByte, type Rgb } from './texture.js';

/** The growing scene: RGB pixels plus, per pixel, the front-most instance and its class. */
export interface SceneBuffers {
  width: number;
  height: number;
  rgb: Uint8Array;
  instanceMask: Int32Array;
  semanticMask: Uint8Array;
}

/**
 * Pixels of each earlier instance that `layer` would cover: `covered[id]` (index 0 = background).
 * Used to reject placements that would hide most of an object.
 */
export function coveredCounts(buffers: SceneBuffers, layer: PartLayer, instances: number): Int32Array {
  const covered = new Int32Array(instances + 1);
  for (let y = layer.y0; y <= layer.y1; y++) {
    for (let x = layer.x0; x <= layer.x1; x++) {
      const i = y * buffers.width + x;
      if (layer.parts[i] !== 0) covered[buffers.instanceMask[i]]++;
    }
  }
  return covered;
}

/** Number of pixels the layer covers. */
export function layerArea(layer: PartLayer): number {
  let n = 0;
  for (let y = layer.y0; y <= layer.y1; y++) {
    for (let x = layer.x0; x <= layer.x1; x++) if (layer.parts[y * layer.width + x] !== 0) n++;
  }
  return n;
}

/**
 * Paints `layer` over the scene as instance `id` of class `classId`: colours from `colour`, darkened
 * on the object's outline and (unless a part is a detail) along boundaries between its parts.
 */
export function paintLayer(
  buffers: SceneBuffers,
  layer: PartLayer,
  id: number,
  classId: number,
  colour: (part: number, x: number, y: number) => Rgb,
  detailParts: ReadonlySet<number> = new Set(),
): void {
  const { width, height, rgb, instanceMask, semanticMask } = buffers;
  const parts = layer.parts;
  // A line between two parts is drawn once, on the side of the higher part id.
  const lowerPart = (part: number) => (n: number) => n < part && !detailParts.has(n);
  for (let y = layer.y0; y <= layer.y1; y++) {
    for (let x = layer.x0; x <= layer.x1; x++) {
      const i = y * width + x;
      const part = parts[i];
      if (part === 0) continue;
      // 4-neighbours inside the image; the image border is not an object edge.
      const left = x > 0 ? parts[i - 1] : part;
      const right = x < width - 1 ? parts[i + 1] : part;
      const up = y > 0 ? parts[i - width] : part;
      const down = y < height - 1 ? parts[i + width] : part;
      let k = 1;
      if (left === 0 || right === 0 || up === 0 || down === 0) k = 0.55;
      else if ((left !== part || right !== part || up !== part || down !== part) && !detailParts.has(part) && [left, right, up, down].some(lowerPart(part))) k = 0.78;
      const c = colour(part, x, y);
      rgb[i * 3] = clampByte(c[0] * k);
      rgb[i * 3 + 1] = clampByte(c[1] * k);
      rgb[i * 3 + 2] = clampByte(c[2] * k);
      instanceMask[i] = id;
      semanticMask[i] = classId;
    }
  }
}
