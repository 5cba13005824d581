import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from './atomic.js';
import { detectToCoco, poseToCoco } from './coco.js';
import { type ImageJob, resultPath } from './process-image.js';

/** Files a batch writes beside the per-image results. */
export const COCO_RESULTS_FILE = 'coco_results.json';
export const ERRORS_FILE = 'errors.json';

export interface BatchError {
  image: string;
  error: string;
}

/**
 * The end of a batch (local or queue): one COCO results file for pose / detect, assembled from the
 * per-image result files of every finished image — so a retried or resumed image counts once — and
 * the errors file (removed when nothing failed).
 */
export async function writeBatchSummary(jobs: ReadonlyArray<ImageJob & { imageId: number }>, errors: BatchError[], outDir: string): Promise<{ cocoPath: string | null; entries: number }> {
  const errorsPath = join(outDir, ERRORS_FILE);
  if (errors.length) await writeAtomically(errorsPath, (tmp) => writeFile(tmp, `${JSON.stringify(errors, null, 1)}\n`));
  else await rm(errorsPath, { force: true });
  const task = jobs[0]?.spec.task;
  if (task !== 'pose' && task !== 'detect') return { cocoPath: null, entries: 0 };
  const entries: unknown[] = [];
  for (const job of jobs) {
    let text: string;
    try {
      text = await readFile(resultPath(job), 'utf8');
    } catch {
      continue; // not done (failed or interrupted)
    }
    const doc = JSON.parse(text);
    entries.push(...(task === 'pose' ? poseToCoco(doc, job.imageId) : detectToCoco(doc, job.imageId)));
  }
  const cocoPath = join(outDir, COCO_RESULTS_FILE);
  await writeAtomically(cocoPath, (tmp) => writeFile(tmp, `${JSON.stringify(entries)}\n`));
  return { cocoPath, entries: entries.length };
}
