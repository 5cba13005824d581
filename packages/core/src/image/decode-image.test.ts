import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.js';
import { encodePng } from './encode-png.js';
import { ImageInputError, fromPixelData } from './rgb-image.js';

describe('decodeImage', () => {
  it('decodes the pose fixture PNG to 640×480 RGB and round-trips through encodePng exactly', async () => {
    const image = await decodeImage(readFileSync(fixturePath('pose', 'image.png')));
    expect([image.width, image.height, image.data.length]).toEqual([640, 480, 640 * 480 * 3]);
    const again = await decodeImage(await encodePng(image));
    expect(Buffer.from(again.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('keeps the pixel values a PNG encodes (known 2×1 image)', async () => {
    const png = await encodePng({ width: 2, height: 1, data: Uint8Array.from([255, 0, 10, 1, 2, 3]) });
    expect(Array.from((await decodeImage(png)).data)).toEqual([255, 0, 10, 1, 2, 3]);
  });

  it('rejects unknown and corrupt data with an ImageInputError', async () => {
    await expect(decodeImage(Uint8Array.from([1, 2, 3, 4]))).rejects.toThrow(/not a PNG or JPEG image \(first bytes: 01 02 03 04\)/);
    const png = readFileSync(fixturePath('pose', 'image.png'));
    await expect(decodeImage(png.subarray(0, 200))).rejects.toBeInstanceOf(ImageInputError);
    await expect(decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).rejects.toThrow(/corrupt JPEG/);
  });
});

describe('fromPixelData', () => {
  it('drops alpha from RGBA and checks sizes', () => {
    expect(Array.from(fromPixelData({ width: 1, height: 2, data: Uint8Array.from([1, 2, 3, 9, 4, 5, 6, 9]) }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => fromPixelData({ width: 2, height: 2, data: new Uint8Array(10) })).toThrow(/3 \(RGB\) or 4 \(RGBA\) channels/);
  });
});
