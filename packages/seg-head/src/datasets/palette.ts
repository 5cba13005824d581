/** One RGB colour per class index: `palette[k] = [r, g, b]`. */
export type Palette = ReadonlyArray<readonly [number, number, number]>;

/**
 * The palette of the official `BaseDataset.get_palette(n)` (the PASCAL VOC bit-interleaving
 * colour map): bit k of the label goes to bit 7−⌊k/3⌋ of channel k mod 3. The official test code
 * saves every dataset's predictions with it.
 */
export function getPalette(n: number): Palette {
  if (!Number.isInteger(n) || n < 0) throw new Error(`getPalette: n must be a non-negative integer, got ${n}`);
  const palette: Array<[number, number, number]> = [];
  for (let j = 0; j < n; j++) {
    const rgb: [number, number, number] = [0, 0, 0];
    for (let lab = j, i = 0; lab > 0; lab >>= 3, i++) {
      for (let c = 0; c < 3; c++) rgb[c] |= ((lab >> c) & 1) << (7 - i);
    }
    palette.push(rgb);
  }
  return palette;
}
