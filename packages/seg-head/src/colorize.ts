import type { RgbImage } from '@hrnetjs/core';
import { checkDimensions } from '@hrnetjs/core/ops';
import type { Palette } from './datasets/palette.js';

/** A row-major label map (what `segment` returns is one). */
export interface LabelMap {
  labels: ArrayLike<number>;
  width: number;
  height: number;
}

function checkLabels(labels: ArrayLike<number>, width: number, height: number): void {
  if (labels.length !== width * height) {
    throw new Error(`labels has ${labels.length} values but the image is ${width}×${height} = ${width * height} pixels`);
  }
}

/**
 * Label map → RGB image: pixel colour = palette[label]; labels without a palette colour (e.g. the
 * ignore label 255) are black.
 */
export function colorize({ labels, width, height }: LabelMap, palette: Palette): RgbImage {
  checkLabels(labels, width, height);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < labels.length; p++) {
    const colour = palette[labels[p]];
    if (!colour) continue;
    data[p * 3] = colour[0];
    data[p * 3 + 1] = colour[1];
    data[p * 3 + 2] = colour[2];
  }
  return { data, width, height };
}

/**
 * The image with its label colours blended on top: round((1 − alpha)·image + alpha·colour);
 * pixels whose label has no palette colour keep the image. `labels` is a LabelMap or the bare
 * row-major values (the image gives the size).
 */
export function overlay(image: RgbImage, labels: LabelMap | ArrayLike<number>, palette: Palette, alpha = 0.5): RgbImage {
  checkDimensions(image.width, image.height, 3, image.data.length, 'overlay image');
  const values = 'labels' in labels ? labels.labels : labels;
  checkLabels(values, image.width, image.height);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlay alpha must be in [0, 1], got ${alpha}`);
  const data = Uint8Array.from(image.data);
  for (let p = 0; p < values.length; p++) {
    const colour = palette[values[p]];
    if (!colour) continue;
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round((1 - alpha) * image.data[p * 3 + c] + alpha * colour[c]);
  }
  return { data, width: image.width, height: image.height };
}
