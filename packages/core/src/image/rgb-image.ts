/**
 * An 8-bit RGB image, row-major HWC (`data[(y * width + x) * 3 + c]`, c = R, G, B): what every
 * pipeline works on, whatever the input was.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Pixel data with 3 (RGB) or 4 (RGBA, alpha ignored) channels, e.g. a canvas `ImageData`. */
export interface PixelData {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** Thrown for an image that cannot be used: unknown format, corrupt data, wrong size or channels. */
export class ImageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageInputError';
  }
}

/** Checks the buffer length of a width×height×channels image before it is indexed. */
export function checkDimensions(width: number, height: number, channels: number, length: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageInputError(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (length !== width * height * channels) {
    throw new ImageInputError(
      `${what}: expected ${width}×${height}×${channels} = ${width * height * channels} bytes, got ${length}`,
    );
  }
}

/** RGB or RGBA bytes → RGB (alpha dropped, as OpenCV's IMREAD_COLOR does). */
export function fromPixelData(pixels: PixelData): RgbImage {
  const { width, height, data } = pixels;
  const channels = data.length / Math.max(1, width * height);
  if (channels !== 3 && channels !== 4) {
    throw new ImageInputError(
      `pixel data must have 3 (RGB) or 4 (RGBA) channels; ${data.length} bytes for ${width}×${height} is ${channels} per pixel`,
    );
  }
  checkDimensions(width, height, channels, data.length, 'pixel data');
  if (channels === 3) return { width, height, data: Uint8Array.from(data) };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    rgb[j] = data[i];
    rgb[j + 1] = data[i + 1];
    rgb[j + 2] = data[i + 2];
  }
  return { width, height, data: rgb };
}
