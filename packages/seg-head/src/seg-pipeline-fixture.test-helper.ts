import { readFileSync } from 'node:fs';
import { parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { expect } from 'vitest';
import { SegModel } from './seg-model.js';

// Shared checks of the seg_pipeline fixture (official cityscapes test path), used by the TF.js and
// the onnxruntime parity tests.

export const settings = JSON.parse(readFileSync(fixturePath('seg_pipeline', 'settings.json'), 'utf8'));
export const MS = settings.multi_scale;
export const PIPELINE = { baseSize: MS['TEST.BASE_SIZE'] as number, cropSize: MS.crop_size_hw as [number, number] };

export async function loadTiny(): Promise<SegModel> {
  const model = new SegModel(parseModelConfig(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8')));
  model.load((await readCheckpointFile(fixturePath('seg', 'seg_tiny.pth'))).stateDict);
  return model;
}

/** Largest |a − e| / |e| over the fixture grid; scores are HWC, the grid file NCHW [1, C, rows, cols]. */
export async function gridRelDiff(scores: Float32Array, width: number, file: string): Promise<number> {
  const grid = await readNpyFile(fixturePath('seg_pipeline', file));
  const [, classes, nr, nc] = grid.shape;
  const rows: number[] = settings.grid.rows;
  const cols: number[] = settings.grid.cols;
  expect([nr, nc]).toEqual([rows.length, cols.length]);
  let worst = 0;
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < nc; j++) {
        const e = Number(grid.values[(c * nr + i) * nc + j]);
        const a = scores[(rows[i] * width + cols[j]) * classes + c];
        worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
      }
    }
  }
  return worst;
}

/** Largest relative difference of the per-class sums over all pixels. */
export function classSumRelDiff(scores: Float32Array, classes: number, expected: number[]): number {
  const sums = new Float64Array(classes);
  for (let i = 0; i < scores.length; i++) sums[i % classes] += scores[i];
  return Math.max(...expected.map((e, c) => Math.abs(sums[c] - e) / Math.abs(e)));
}

/** Label mismatches outside the listed near-tie pixels, and how many pixels were compared. */
export async function labelMismatches(labels: Int32Array, width: number, file: string, ties: number[][]): Promise<[number, number]> {
  const expected = await readNpyFile(fixturePath('seg_pipeline', file));
  const skip = new Set(ties.map(([y, x]) => y * width + x));
  let bad = 0;
  for (let p = 0; p < labels.length; p++) if (!skip.has(p) && labels[p] !== Number(expected.values[p])) bad++;
  return [bad, labels.length - skip.size];
}

