import { readImageFile } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { xywh2cs } from './center-scale.js';
import { cropPerson, normalizationTable, normalizeCrops } from './crop.js';

describe('cropPerson', () => {
  it('a box leaving the image top-left: black outside, half-dark edge pixels, exact bilinear inside', async () => {
    const image = await readImageFile(fixturePath('pose', 'image.png'));
    // 128×128 box at aspect 1 → scale 0.8 → 160 px onto a 160×160 input: a pure half-pixel shift.
    const box = xywh2cs({ x: -20.5, y: -30.5, width: 128, height: 128 }, 1);
    expect(box.center).toEqual([43.5, 33.5]);
    const crop = cropPerson(image, box, [160, 160]);
    // Output (u, v) samples image (u − 36.5, v − 46.5): the mean of 4 pixels, (sum + 2) >> 2, black outside.
    const px = (x: number, y: number, c: number) =>
      x >= 0 && x < image.width && y >= 0 && y < image.height ? image.data[(y * image.width + x) * 3 + c] : 0;
    let partial = 0;
    let mismatches = 0;
    for (let v = 0; v < 160; v++) {
      for (let u = 0; u < 160; u++) {
        const x0 = u - 37;
        const y0 = v - 47;
        for (let c = 0; c < 3; c++) {
          const sum = px(x0, y0, c) + px(x0 + 1, y0, c) + px(x0, y0 + 1, c) + px(x0 + 1, y0 + 1, c);
          if (crop.data[(v * 160 + u) * 3 + c] !== (sum + 2) >> 2) mismatches++;
        }
        if (x0 === -1 || y0 === -1) partial++;
      }
    }
    expect(mismatches).toBe(0);
    // Column u = 36 and row v = 46 straddle the image edge.
    expect(partial).toBe(160 + 160 - 1);
    expect(Array.from(crop.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
});

describe('normalizationTable / normalizeCrops', () => {
  it('computes (v/255 − mean)/std in float32 per channel, NHWC', () => {
    const tables = normalizationTable([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const f = Math.fround;
    expect(tables[0][255]).toBe(f(f(1 - f(0.485)) / f(0.229)));
    expect(tables[2][0]).toBe(f(-f(0.406) / f(0.225)));
    const out = normalizeCrops([{ width: 1, height: 1, data: Uint8Array.from([255, 0, 0]) }, { width: 1, height: 1, data: Uint8Array.from([0, 0, 0]) }], tables);
    expect(Array.from(out)).toEqual([tables[0][255], tables[1][0], tables[2][0], tables[0][0], tables[1][0], tables[2][0]]);
  });
});
