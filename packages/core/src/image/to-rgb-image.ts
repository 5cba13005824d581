import * as tf from '@tensorflow/tfjs-core';
import { readPath } from '../api/path-reader.js';
import { decodeImage } from './decode-image.js';
import { checkDimensions, fromPixelData, ImageInputError, type PixelData, type RgbImage } from './rgb-image.js';

/**
 * Every image form the pipelines accept: 8-bit RGB, RGB/RGBA pixel data (a canvas `ImageData`),
 * a `tf.Tensor3D` [h, w, 3|4] with values 0..255, encoded PNG/JPEG bytes (a Node `Buffer`, a
 * `Uint8Array` or `ArrayBuffer`), or a browser image source (`HTMLImageElement`, `HTMLCanvasElement`,
 * `ImageBitmap`, `OffscreenCanvas`, `HTMLVideoElement`), or a PNG/JPEG file path (Node, once
 * `@hrnetjs/core/node` is imported).
 */
export type ImageInput = string | RgbImage | PixelData | tf.Tensor3D | Uint8Array | ArrayBuffer | BrowserImageSource;

/** The DOM image sources a canvas can draw (typed loosely so Node builds need no DOM types). */
export interface BrowserImageSource {
  width: number;
  height: number;
}

function isPixelData(input: object): input is PixelData {
  return 'data' in input && 'width' in input && 'height' in input;
}

/** Draws a DOM image source on a canvas and reads its pixels (browsers only). */
function browserPixels(source: BrowserImageSource): PixelData {
  const g = globalThis as unknown as {
    OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: '2d'): CanvasRenderingContext2D | null };
    document?: { createElement(tag: 'canvas'): HTMLCanvasElement };
  };
  const { width, height } = 'naturalWidth' in source ? { width: (source as HTMLImageElement).naturalWidth, height: (source as HTMLImageElement).naturalHeight } : source;
  let context: CanvasRenderingContext2D | null = null;
  if (g.OffscreenCanvas) context = new g.OffscreenCanvas(width, height).getContext('2d');
  else if (g.document) {
    const canvas = g.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    context = canvas.getContext('2d');
  }
  if (!context) {
    throw new ImageInputError('this image object needs a canvas to read its pixels (browsers only); in Node pass a file via readImageFile, encoded bytes, or {data, width, height}');
  }
  context.drawImage(source as unknown as CanvasImageSource, 0, 0);
  return context.getImageData(0, 0, width, height);
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

/** Any {@link ImageInput} → 8-bit RGB (HWC). Tensors are read, not disposed: they stay the caller's. */
export async function toRgbImage(input: ImageInput): Promise<RgbImage> {
  if (input instanceof tf.Tensor) return tensorToRgb(input);
  if (input instanceof ArrayBuffer) return decodeImage(new Uint8Array(input));
  if (input instanceof Uint8Array) return decodeImage(input);
  if (typeof input === 'string') return decodeImage(await readPath(input, 'image'));
  if (!input || typeof input !== 'object') {
    throw new ImageInputError(`unsupported image input ${input === null ? 'null' : typeof input}: pass RGB pixels, encoded PNG/JPEG bytes, a tensor or a browser image`);
  }
  if (isPixelData(input)) {
    const { data, width, height } = input;
    if (data instanceof Uint8Array && data.length === width * height * 3) {
      checkDimensions(width, height, 3, data.length, 'image');
      return { data, width, height };
    }
    return fromPixelData(input);
  }
  if (typeof input.width === 'number' && typeof input.height === 'number') return fromPixelData(browserPixels(input));
  throw new ImageInputError('unsupported image input: pass {data, width, height}, encoded PNG/JPEG bytes, a tf.Tensor3D or a browser image');
}
