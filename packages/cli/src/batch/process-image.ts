import { join } from 'node:path';
import { readImageFile } from '@hrnetjs/core/node';
import { loadPipeline, type Pipeline, resultExtension, writeImageOutput } from './pipeline.js';
import type { TaskSpec } from './spec.js';

/** One image of a batch: the same object is a piscina task and a BullMQ job's data. */
export interface ImageJob {
  spec: TaskSpec;
  /** Absolute path of the image (on a shared path for queue workers). */
  input: string;
  /** Relative result name without extension, e.g. `city/frame_0001`. */
  key: string;
  outDir: string;
}

export type ImageJobResult = { key: string; ok: true; count: number } | { key: string; ok: false; error: string };

export const resultPath = (job: Pick<ImageJob, 'spec' | 'key' | 'outDir'>): string => join(job.outDir, `${job.key}${resultExtension(job.spec)}`);
export const overlayPath = (job: Pick<ImageJob, 'key' | 'outDir'>): string => join(job.outDir, 'overlays', `${job.key}.png`);

/** The models of the spec this thread / process last saw: loaded once, reused for every image. */
let loaded: { specKey: string; pipeline: Promise<Pipeline> } | null = null;

async function pipelineFor(spec: TaskSpec): Promise<Pipeline> {
  const specKey = JSON.stringify(spec);
  if (loaded?.specKey !== specKey) {
    const previous = loaded;
    loaded = { specKey, pipeline: loadPipeline(spec) };
    previous?.pipeline.then((p) => p.dispose(), () => {});
    // A failed load is not cached: the next job tries again (and reports the same clear error).
    loaded.pipeline.catch(() => {
      if (loaded?.specKey === specKey) loaded = null;
    });
  }
  return loaded.pipeline;
}

/**
 * Runs one image and writes its result file atomically. An unreadable image or a failure on it is
 * an error entry (`ok: false`); a model that does not load throws (nothing would work).
 */
export async function processImage(job: ImageJob): Promise<ImageJobResult> {
  const pipeline = await pipelineFor(job.spec);
  let output;
  try {
    const image = await readImageFile(job.input);
    output = await pipeline.run(image);
  } catch (error) {
    const message = (error as Error).message;
    // Readers name the file themselves; the error entry names it once.
    return { key: job.key, ok: false, error: message.startsWith(`${job.input}: `) ? message.slice(job.input.length + 2) : message };
  }
  await writeImageOutput(output, resultPath(job), job.spec.overlays ? overlayPath(job) : null);
  return { key: job.key, ok: true, count: output.count };
}

/** Frees the loaded models (end of a worker). */
export async function releasePipeline(): Promise<void> {
  const current = loaded;
  loaded = null;
  if (current) (await current.pipeline.catch(() => null))?.dispose();
}
