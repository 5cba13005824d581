import { stat } from 'node:fs/promises';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../commands/command.js';
import { userPath } from '../paths.js';
import { planBatch } from './plan.js';
import { createPool } from './pool.js';
import type { ImageJobResult } from './process-image.js';
import { Progress } from './progress.js';
import { parseJobs, taskSpecFromOptions } from './spec.js';
import { type BatchError, ERRORS_FILE, writeBatchSummary } from './summary.js';

/**
 * True when a pose / detect / segment call is a batch: `--out-dir`, several inputs, or a folder or
 * glob as the input.
 */
export async function isBatchCall({ options, positionals }: Pick<CommandContext, 'options' | 'positionals'>): Promise<boolean> {
  if (options.string('out-dir') !== undefined || positionals.length > 1) return true;
  if (positionals.length === 1 && /[*?[{]/.test(positionals[0])) return true;
  return positionals.length === 1 && ((await stat(userPath(positionals[0])).catch(() => null))?.isDirectory() ?? false);
}

/**
 * `hrnet pose|detect|segment <files, folders, globs>… --out-dir d [--jobs N]`: every image on a pool
 * of worker threads (models loaded once per thread), one result file per image written atomically,
 * images already done skipped, failures in errors.json, a COCO results file for pose / detect.
 * Exit code 0: all done; 1: some images failed; 130: interrupted (re-run to resume).
 */
export async function runLocalBatch(task: string, { options, positionals, stderr }: CommandContext): Promise<void> {
  const outDirArg = options.string('out-dir');
  if (!outDirArg) throw new CliError(`${task} over several images needs --out-dir <dir> (one result file per image goes there)`);
  const outDir = userPath(outDirArg);
  const jobs = parseJobs(options);
  const spec = taskSpecFromOptions(task, options, jobs);
  const { all, todo } = await planBatch(spec, positionals, outDir, options);
  const threads = Math.max(1, Math.min(jobs, todo.length));
  stderr(`${task}: ${all.length} images, ${all.length - todo.length} already done, ${todo.length} to run on ${threads} worker thread(s) (engine ${spec.engine}, backend ${spec.backend})`);

  const errors: BatchError[] = [];
  let interrupted = false;
  let fatal: Error | null = null;
  if (todo.length) {
    const pool = createPool(threads);
    const progress = new Progress(todo.length, { write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true });
    const onSignal = () => {
      if (interrupted) {
        stderr('second interrupt: exiting now (unfinished images have no result file and run again next time)');
        process.exit(130);
      }
      interrupted = true;
      progress.close();
      stderr('interrupted: finishing the images in progress, then stopping (Ctrl-C again to quit now)');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      // `threads` images in flight, the next one handed out as one finishes, none after an
      // interrupt or a fatal error (a running image is never cut off: its result stays whole).
      let next = 0;
      const lane = async () => {
        while (next < todo.length && !interrupted && !fatal) {
          const job = todo[next++];
          let result: ImageJobResult;
          try {
            result = await pool.run(job);
          } catch (error) {
            // The models did not load (or the thread died): nothing else would work either.
            fatal ??= error as Error;
            return;
          }
          if (!result.ok) {
            errors.push({ image: job.input, error: result.error });
            if (!process.stderr.isTTY) stderr(`failed: ${job.input}: ${result.error}`);
          }
          progress.tick(result.ok);
        }
      };
      await Promise.all(Array.from({ length: threads }, lane));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await pool.destroy();
    }
  }
  if (fatal) throw new CliError(`${task}: ${(fatal as Error).message}`);
  errors.sort((a, b) => (a.image < b.image ? -1 : 1));
  const { cocoPath, entries } = await writeBatchSummary(all, errors, outDir);
  if (cocoPath) stderr(`wrote ${entries} COCO result(s) to ${cocoPath}`);
  if (interrupted) throw new CliError(`interrupted; run the same command again to resume (finished images are skipped)`, 130);
  if (errors.length) throw new CliError(`${errors.length} of ${all.length} images failed; reasons in ${outDir}/${ERRORS_FILE}`);
  stderr(`done: ${all.length} images, results in ${outDir}`);
}
