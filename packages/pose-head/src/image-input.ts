import * as tf from '@tensorflow/tfjs-core';
import { ImageInputError, type PixelData, type RgbImage, checkDimensions, fromPixelData } from '@hrnetjs/core';

/**
 * What `estimatePoses` accepts: 8-bit RGB, RGB/RGBA pixel data (e.g. a canvas `ImageData`), or a
 * `tf.Tensor3D` [height, width, 3|4] with values 0..255 (int32 or float; floats are rounded).
 * Files and encoded bytes are decoded first (`readImageFile` / `decodeImage` of @hrnetjs/core).
 */
export type PoseImageInput = RgbImage | PixelData | tf.Tensor3D;

/** Any image input → 8-bit RGB (HWC). Tensors are read, not disposed: they stay the caller's. */
export async function toRgbImage(input: PoseImageInput): Promise<RgbImage> {
  if (input instanceof tf.Tensor) return tensorToRgb(input);
  if (!input || typeof input !== 'object' || !('data' in input)) {
    throw new ImageInputError('image must be an RgbImage / ImageData-like {data, width, height} or a tf.Tensor3D [h, w, 3|4]');
  }
  const { data, width, height } = input;
  if (data instanceof Uint8Array && data.length === width * height * 3) {
    checkDimensions(width, height, 3, data.length, 'image');
    return { data, width, height };
  }
  return fromPixelData(input);
}

async function tensorToRgb(t: tf.Tensor): Promise<RgbImage> {
  if (t.rank !== 3 || (t.shape[2] !== 3 && t.shape[2] !== 4)) {
    throw new ImageInputError(`image tensor must be [height, width, 3 or 4] (HWC, RGB), got shape [${t.shape.join(', ')}]`);
  }
  const [height, width, channels] = t.shape as [number, number, number];
  const values = await t.data();
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[p * channels + c] as number;
      if (!(v >= 0 && v <= 255)) {
        throw new ImageInputError(`image tensor values must be 0..255 (8-bit RGB), found ${v} at pixel ${p}, channel ${c}`);
      }
      rgb[p * 3 + c] = Math.round(v);
    }
  }
  return { data: rgb, width, height };
}
