import type { RgbImage } from './rgb-image.js';

/** 8-bit RGB → PNG bytes (for overlays and label maps). */
export async function encodePng(image: RgbImage): Promise<Uint8Array> {
  const { encode } = await import('fast-png');
  return encode({ width: image.width, height: image.height, data: image.data, depth: 8, channels: 3 });
}
