import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchDetections } from './match-boxes.js';

/** `np.packbits` of an [N, H, W] bool array (big-endian bits, C order) → N row-major 0/1 bitmaps. */
export function unpackMasks(packed: ArrayLike<number>, n: number, height: number, width: number): Uint8Array[] {
  const size = height * width;
  if (packed.length * 8 < n * size) throw new Error(`unpackMasks: ${packed.length} bytes cannot hold ${n}×${height}×${width} bits`);
  return Array.from({ length: n }, (_, i) => {
    const m = new Uint8Array(size);
    for (let p = 0; p < size; p++) {
      const bit = i * size + p;
      m[p] = (packed[bit >> 3] >> (7 - (bit & 7))) & 1;
    }
    return m;
  });
}

/** IoU of two same-sized 0/1 bitmaps (1 when both are empty). */
export function bitmapIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`bitmapIou: ${a.length} vs ${b.length} pixels`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 1 : inter / union;
}

/** [x1, y1, x2, y2, score] rows from boxes (flat [M × 4]) and scores, as the box matchers take them. */
export function withScores(boxes: ArrayLike<number>, scores: ArrayLike<number>): Float32Array {
  const out = new Float32Array(scores.length * 5);
  for (let i = 0; i < scores.length; i++) {
    for (let k = 0; k < 4; k++) out[5 * i + k] = boxes[4 * i + k];
    out[5 * i + 4] = scores[i];
  }
  return out;
}

/** A detection as every detect path reports it (the library's `Detection`, the CLI's JSON). */
export interface ReportedDetection {
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  labelId: number;
  score: number;
}

/** How detections compare with a tools/oracle instance-mask pipeline case. */
export interface OracleMaskMatch {
  /** Official detections, and the size of their masks (the original image). */
  n: number;
  height: number;
  width: number;
  /** [official index, ours] pairs: IoU ≥ 0.99, same label, |Δscore| ≤ 1e-3. */
  pairs: Array<[number, number]>;
  /** Mask IoU of each pair. */
  maskIous: number[];
  maxScoreDiff: number;
}

/**
 * Matches `detections` against the official ones of an instance-mask pipeline case in `dir`
 * (`det_bboxes.npy`, `det_labels.npy`, `masks_packed.npy` + manifest); `maskOf(j)` gives our j-th
 * mask as a 0/1 bitmap of the original image. `readNpy` reads a `.npy` (test-utils does not depend on core).
 */
export async function matchOracleMasks(
  dir: string,
  detections: readonly ReportedDetection[],
  maskOf: (j: number) => ArrayLike<number>,
  readNpy: (path: string) => Promise<{ values: ArrayLike<number> | BigInt64Array }>,
): Promise<OracleMaskMatch> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const [n, height, width] = manifest.files.masks_packed.shape as number[];
  const ref = (await readNpy(join(dir, 'det_bboxes.npy'))).values as ArrayLike<number>;
  const labels = (await readNpy(join(dir, 'det_labels.npy'))).values as ArrayLike<number>;
  const refMasks = unpackMasks((await readNpy(join(dir, 'masks_packed.npy'))).values as ArrayLike<number>, n, height, width);
  const flat = detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]);
  const pairs = matchDetections(ref, flat, { referenceLabels: labels, actualLabels: detections.map((d) => d.labelId) });
  const maskIous = pairs.map(([i, j]) => bitmapIou(refMasks[i], maskOf(j)));
  const maxScoreDiff = Math.max(0, ...pairs.map(([i, j]) => Math.abs(ref[5 * i + 4] - detections[j].score)));
  return { n, height, width, pairs, maskIous, maxScoreDiff };
}
