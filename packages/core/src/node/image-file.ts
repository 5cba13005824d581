import { readFile, writeFile } from 'node:fs/promises';
import { decodeImage } from '../image/decode-image.js';
import { encodePng } from '../image/encode-png.js';
import { ImageInputError, type RgbImage } from '../image/rgb-image.js';

/** Reads a PNG or JPEG file as 8-bit RGB; a missing or unreadable file is an ImageInputError naming it. */
export async function readImageFile(path: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'ENOENT';
    throw new ImageInputError(missing ? `image not found: ${path}` : `cannot read image ${path}: ${(cause as Error).message}`);
  }
  try {
    return await decodeImage(bytes);
  } catch (error) {
    throw new ImageInputError(`${path}: ${(error as Error).message}`);
  }
}

/** Writes 8-bit RGB as a PNG file. */
export async function writePngFile(path: string, image: RgbImage): Promise<void> {
  await writeFile(path, await encodePng(image));
}
