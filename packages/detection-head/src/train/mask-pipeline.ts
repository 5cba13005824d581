import type { GtMasks } from './mask-targets.js';

/**
 * mmdet's train pipeline on `BitmapMasks`, given what it did to the image: `rescale` (mmcv
 * `imrescale(…, interpolation='nearest')` = OpenCV INTER_NEAREST: source index ⌊d · src/dst⌋),
 * horizontal `flip` of the resized masks, then `pad` with zeros to `padShape`. Masks are row-major
 * 0/1 bitmaps of the original `width × height` image.
 */
export function transformGtMasks(
  masks: readonly Uint8Array[],
  width: number,
  height: number,
  imgShape: readonly [number, number],
  padShape: readonly [number, number],
  flip: boolean,
): GtMasks {
  const [h, w] = imgShape;
  const [ph, pw] = padShape;
  const fx = width / w;
  const fy = height / h;
  const xs = Int32Array.from({ length: w }, (_, x) => Math.min(Math.floor(x * fx), width - 1));
  const ys = Int32Array.from({ length: h }, (_, y) => Math.min(Math.floor(y * fy), height - 1));
  const out = masks.map((m, i) => {
    if (m.length !== width * height) throw new Error(`gt mask ${i} has ${m.length} pixels, expected the image's ${width}×${height}`);
    const t = new Uint8Array(ph * pw);
    for (let y = 0; y < h; y++) {
      const row = ys[y] * width;
      for (let x = 0; x < w; x++) t[y * pw + (flip ? w - 1 - x : x)] = m[row + xs[x]] ? 1 : 0;
    }
    return t;
  });
  return { height: ph, width: pw, masks: out };
}
