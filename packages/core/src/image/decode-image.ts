import { ImageInputError, type RgbImage } from './rgb-image.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** Which encoded format the bytes hold ('png' | 'jpeg'), or null. */
export function sniffImageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * PNG → 8-bit RGB as OpenCV's `imread(IMREAD_COLOR)` gives it (after BGR→RGB): grey replicated,
 * alpha dropped (not composited), palettes expanded, 16-bit reduced to the high byte.
 */
async function decodePng(bytes: Uint8Array): Promise<RgbImage> {
  const { decode, convertIndexedToRgb } = await import('fast-png');
  const png = decode(bytes);
  const { width, height } = png;
  let data: ArrayLike<number> = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  const shift = png.depth === 16 ? 8 : 0;
  if (!png.palette && png.depth < 8) {
    throw new ImageInputError(`PNG with ${png.depth}-bit samples is not supported (expected 8 or 16 bits per sample)`);
  }
  const rgb = new Uint8Array(width * height * 3);
  const grey = channels <= 2;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = data[p * channels + (grey ? 0 : c)] >> shift;
  }
  return { width, height, data: rgb };
}

async function decodeJpeg(bytes: Uint8Array): Promise<RgbImage> {
  const jpeg = (await import('jpeg-js')).default ?? (await import('jpeg-js'));
  // formatAsRGBA false → RGB; the size limits stop a hostile header from allocating gigabytes.
  const { width, height, data } = jpeg.decode(bytes, { formatAsRGBA: false, useTArray: true, maxMemoryUsageInMB: 1024 });
  return { width, height, data: Uint8Array.from(data) };
}

/**
 * Decodes PNG or JPEG bytes to 8-bit RGB. Pure JS (works in Node and browsers); EXIF orientation
 * is ignored, as the official code reads with IMREAD_IGNORE_ORIENTATION. JPEG decoders differ by
 * ±1–2 grey levels (this one vs libjpeg-turbo in OpenCV); PNG is exact.
 */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  const format = sniffImageFormat(bytes);
  if (!format) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImageInputError(`not a PNG or JPEG image (first bytes: ${head || 'none'})`);
  }
  try {
    return format === 'png' ? await decodePng(bytes) : await decodeJpeg(bytes);
  } catch (error) {
    if (error instanceof ImageInputError) throw error;
    throw new ImageInputError(`corrupt ${format.toUpperCase()} image: ${(error as Error).message}`);
  }
}
