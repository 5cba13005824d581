import type { RgbImage } from '@hrnetjs/core';
import { warpAffine } from '@hrnetjs/core/ops';
import { getAffineTransform } from './affine-transform.js';
import type { CenterScale } from './center-scale.js';

/**
 * The network input crop of one person, as the official `JointsDataset.__getitem__` (test time,
 * rotation 0): `cv2.warpAffine(image, get_affine_transform(c, s, 0, image_size), image_size,
 * INTER_LINEAR)` with a black border. `inputSize` is [width, height].
 */
export function cropPerson(image: RgbImage, box: CenterScale, inputSize: readonly [number, number]): RgbImage {
  const trans = getAffineTransform(box.center, box.scale, 0, inputSize);
  return warpAffine(image, trans, inputSize[0], inputSize[1]);
}

/**
 * torchvision ToTensor + Normalize in float32: (v/255 − mean)/std per channel, every step rounded
 * to float32 as torch does, via a 256-entry table per channel.
 */
export function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    const m = Math.fround(mean[c]);
    const s = Math.fround(std[c]);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(Math.fround(v / 255) - m) / s);
    return table;
  });
}

/** Writes normalised crops as one NHWC float32 batch (RGB channel order). */
export function normalizeCrops(crops: readonly RgbImage[], tables: Float32Array[]): Float32Array {
  const size = crops.length ? crops[0].width * crops[0].height : 0;
  const out = new Float32Array(crops.length * size * 3);
  crops.forEach((crop, n) => {
    const { data } = crop;
    const base = n * size * 3;
    for (let i = 0; i < size * 3; i += 3) {
      out[base + i] = tables[0][data[i]];
      out[base + i + 1] = tables[1][data[i + 1]];
      out[base + i + 2] = tables[2][data[i + 2]];
    }
  });
  return out;
}
