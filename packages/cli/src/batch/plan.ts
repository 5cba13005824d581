import { existsSync } from 'node:fs';
import type { Options } from '../commands/command.js';
import { userPath } from '../paths.js';
import { imageIds } from './coco.js';
import { expandInputs, resultKeys } from './inputs.js';
import { type ImageJob, resultPath } from './process-image.js';
import type { TaskSpec } from './spec.js';

export type PlannedJob = ImageJob & { imageId: number };

/** The images of a batch as jobs, and which of them still lack a complete result file (resume). */
export async function planBatch(spec: TaskSpec, inputs: readonly string[], outDir: string, options: Options): Promise<{ all: PlannedJob[]; todo: PlannedJob[] }> {
  const set = await expandInputs(inputs);
  const keys = resultKeys(set);
  const idsFrom = options.string('image-ids');
  const ids = await imageIds(set.files, idsFrom ? userPath(idsFrom) : undefined);
  const all = set.files.map((input, i) => ({ spec, input, key: keys[i], outDir, imageId: ids[i] }));
  // A result file exists only whole (temp + rename), so its presence means the image is done.
  const todo = all.filter((job) => !existsSync(resultPath(job)));
  return { all, todo };
}
