/**
 * COCO's uncompressed RLE of one instance: run lengths over the mask read column by column
 * (Fortran order), starting with a run of zeros — what pycocotools' `frPyObjects` accepts.
 */
export interface UncompressedRle {
  /** `[height, width]`. */
  size: [number, number];
  counts: number[];
}

/** RLE of the pixels of `instanceMask` (row-major, width×height) equal to `id`. */
export function instanceRle(instanceMask: Int32Array, width: number, height: number, id: number): UncompressedRle {
  const counts: number[] = [];
  let current = false;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const on = instanceMask[y * width + x] === id;
      if (on !== current) {
        counts.push(run);
        run = 0;
        current = on;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}
