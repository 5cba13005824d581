import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fixturePath } from '@hrnetjs/test-utils';
import { useBackend } from '../backend/backends.js';
import { decodeImage } from './decode-image.js';
import { describe, expect, it } from 'vitest';
import { toRgbImage } from './to-rgb-image.js';

describe('toRgbImage', () => {
  it('passes 8-bit RGB through without copying and drops alpha from RGBA', async () => {
    const rgb = { width: 1, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect((await toRgbImage(rgb)).data).toBe(rgb.data);
    const rgba = await toRgbImage({ width: 1, height: 2, data: Uint8ClampedArray.from([1, 2, 3, 255, 4, 5, 6, 0]) });
    expect(Array.from(rgba.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads HWC tensors (int32 or float 0..255, RGB or RGBA), rounding floats', async () => {
    await useBackend('cpu');
    const t = tf.tensor3d([0, 127.6, 255, 9, 10, 20, 30, 40], [1, 2, 4]);
    expect(await toRgbImage(t)).toEqual({ width: 2, height: 1, data: Uint8Array.from([0, 128, 255, 10, 20, 30]) });
    t.dispose();
  });

  it('decodes encoded PNG bytes given as a Buffer, a Uint8Array or an ArrayBuffer', async () => {
    const buffer = readFileSync(fixturePath('pose', 'image.png'));
    const expected = await decodeImage(buffer);
    const copy = Uint8Array.from(buffer);
    for (const input of [buffer, copy, copy.buffer]) {
      const image = await toRgbImage(input);
      expect([image.width, image.height]).toEqual([640, 480]);
      expect(Buffer.from(image.data).equals(Buffer.from(expected.data))).toBe(true);
    }
  });

  it('says what it expected for anything else', async () => {
    await expect(toRgbImage('photo.jpg' as never)).rejects.toThrow(/cannot read the image path 'photo.jpg': paths need the file system/);
    await expect(toRgbImage({ width: 3, height: 2 })).rejects.toThrow(/needs a canvas .*browsers only/);
    await expect(toRgbImage({ data: new Uint8Array(12), width: 3, height: 2 })).rejects.toThrow(/3 \(RGB\) or 4 \(RGBA\)/);
  });
});
