import type { MultiScaleMode } from './datasets/seg-datasets.js';

/** One window [h0, h1) × [w0, w1) of a scaled image. */
export interface Window {
  h0: number;
  h1: number;
  w0: number;
  w1: number;
}

/**
 * The windows `multi_scale_inference` runs over an image of height × width, row by row.
 * 'cityscapes': stride = crop, the last window shifted back inside (h0 = max(h1 − crop, 0)).
 * 'base': stride = int(2/3 · crop), border windows end at the image edge (the caller pads them to
 * the crop size). Row/column counts are ceil((size − crop) / stride) + 1, at least 1 (the official
 * base version would divide by a zero count when a side is far below the crop).
 */
export function slidingWindows(height: number, width: number, cropSize: [number, number], mode: MultiScaleMode): Window[] {
  const [cropH, cropW] = cropSize;
  const strideH = mode === 'cityscapes' ? cropH : Math.trunc((cropH * 2) / 3);
  const strideW = mode === 'cityscapes' ? cropW : Math.trunc((cropW * 2) / 3);
  if (strideH < 1 || strideW < 1) throw new Error(`crop size [${cropSize.join(', ')}] is too small for sliding windows`);
  const rows = Math.max(1, Math.ceil((height - cropH) / strideH) + 1);
  const cols = Math.max(1, Math.ceil((width - cropW) / strideW) + 1);
  const windows: Window[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let h0 = r * strideH;
      let w0 = c * strideW;
      const h1 = Math.min(h0 + cropH, height);
      const w1 = Math.min(w0 + cropW, width);
      if (mode === 'cityscapes') {
        h0 = Math.max(h1 - cropH, 0);
        w0 = Math.max(w1 - cropW, 0);
      }
      windows.push({ h0, h1, w0, w1 });
    }
  }
  return windows;
}

/**
 * `multi_scale_aug` + `image_resize` size rule: long side int(base·scale + 0.5), the other side
 * int(side·long/longSide + 0.5). Returns [height, width].
 */
export function scaledSize(height: number, width: number, baseSize: number, scale: number): [number, number] {
  const long = Math.trunc(baseSize * scale + 0.5);
  if (long < 1) throw new Error(`scale ${scale} with base size ${baseSize} gives an empty image`);
  return height > width
    ? [long, Math.max(1, Math.trunc((width * long) / height + 0.5))]
    : [Math.max(1, Math.trunc((height * long) / width + 0.5)), long];
}
