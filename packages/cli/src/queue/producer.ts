import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Queue } from 'bullmq';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../commands/command.js';
import { userPath } from '../paths.js';
import { type PlannedJob, planBatch } from '../batch/plan.js';
import { resultPath } from '../batch/process-image.js';
import { Progress } from '../batch/progress.js';
import { taskSpecFromOptions } from '../batch/spec.js';
import { type BatchError, ERRORS_FILE, writeBatchSummary } from '../batch/summary.js';
import { checkRedis, connectionOptions, DEFAULT_QUEUE, redisUrl, safeUrl } from './connection.js';

/**
 * The job id of one image of one batch: the same image, settings and out-dir always give the same
 * id, so adding a set twice enqueues nothing twice (BullMQ ignores a job id it already holds).
 */
export function jobId(job: PlannedJob): string {
  const hash = createHash('sha256').update(JSON.stringify([job.spec, job.outDir, job.input])).digest('hex').slice(0, 24);
  return `${job.spec.task}-${hash}`;
}

function positiveInt(options: CommandContext['options'], name: string, fallback: number): number {
  const raw = options.string(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new CliError(`--${name} must be a positive integer; got '${raw}'`);
  return v;
}

/**
 * `hrnet queue add <task> <inputs…> --redis URL --out-dir d [--queue hrnet] [--attempts 5] [--wait]`:
 * one BullMQ job per image that has no result yet (retries with exponential backoff); with
 * `--wait`, follows the set to its end and writes errors.json and the COCO results file like a
 * local run (re-running it later only collects).
 */
export async function queueAdd({ options, positionals, stderr }: CommandContext): Promise<void> {
  const [task, ...inputs] = positionals;
  if (!task) throw new CliError('queue add takes a task (pose, detect, segment) and the images: queue add pose photos/ --out-dir out/ --redis URL');
  const url = redisUrl(options.string('redis'));
  const outDirArg = options.string('out-dir');
  if (!outDirArg) throw new CliError('queue add needs --out-dir <dir>: a folder every worker can write (shared storage)');
  const outDir = userPath(outDirArg);
  // Intra-op threads depend on each worker machine (its cores / its --jobs): the worker sets them,
  // so they stay out of the job (and its id).
  if (options.string('ort-cache') !== undefined) throw new CliError('--ort-cache is a folder on each worker machine: give it to `hrnet worker`');
  const spec = { ...taskSpecFromOptions(task, options, 1), intraOpThreads: 0 };
  const attempts = positiveInt(options, 'attempts', 5);
  const { all, todo } = await planBatch(spec, inputs, outDir, options);
  const version = await checkRedis(url);
  const name = options.string('queue') ?? DEFAULT_QUEUE;
  let lost: string | null = null;
  const queue = new Queue(name, { connection: connectionOptions(url, 30_000, (e) => (lost = e)) });
  queue.on('error', () => {}); // reported through `lost` / the failing call
  try {
    // A job id left failed or completed by an earlier add (its result since removed) would block
    // the re-add: drop those so the image runs again.
    const ids = todo.map(jobId);
    for (const id of ids) {
      const state = await queue.getJobState(id);
      if (state === 'failed' || state === 'completed') await queue.remove(id);
    }
    await queue.addBulk(
      todo.map((job, i) => ({
        name: task,
        data: { spec: job.spec, input: job.input, key: job.key, outDir: job.outDir },
        opts: {
          jobId: ids[i],
          attempts,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    stderr(`queue '${name}' on ${safeUrl(url)} (Redis ${version}): ${all.length} images, ${all.length - todo.length} already done, ${todo.length} job(s) added`);
    if (!options.flag('wait')) {
      stderr(`run workers with: hrnet worker --redis ${safeUrl(url)}${name === DEFAULT_QUEUE ? '' : ` --queue ${name}`}; follow with: hrnet queue status`);
      return;
    }
    const errors = await follow(queue, todo, ids, () => lost);
    const { cocoPath, entries } = await writeBatchSummary(all, errors, outDir);
    if (cocoPath) stderr(`wrote ${entries} COCO result(s) to ${cocoPath}`);
    if (errors.length) throw new CliError(`${errors.length} of ${all.length} images failed; reasons in ${outDir}/${ERRORS_FILE}`);
    stderr(`done: ${all.length} images, results in ${outDir}`);
  } finally {
    await queue.close();
  }
}

/** Polls until every job has a result file or has failed for good; Ctrl-C stops following (the jobs go on). */
async function follow(queue: Queue, todo: PlannedJob[], ids: string[], lost: () => string | null): Promise<BatchError[]> {
  const pending = new Map(todo.map((job, i) => [ids[i], job]));
  const errors: BatchError[] = [];
  const progress = new Progress(todo.length, { write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true });
  let interrupted = false;
  let lastFailedCount = -1;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  try {
    while (pending.size) {
      if (interrupted) {
        progress.close();
        throw new CliError('stopped following; the jobs stay queued for the workers (re-run with --wait to collect)', 130);
      }
      const problem = lost();
      if (problem) throw new CliError(problem);
      for (const [id, job] of pending) {
        if (existsSync(resultPath(job))) {
          pending.delete(id);
          progress.tick(true);
        }
      }
      // The failed list is read only when the queue's failed count moves (it may hold other sets' jobs).
      const failedCount = pending.size ? await queue.getFailedCount() : lastFailedCount;
      if (failedCount !== lastFailedCount) {
        lastFailedCount = failedCount;
        for (const failed of await queue.getFailed()) {
          const job = failed.id ? pending.get(failed.id) : undefined;
          if (!job) continue;
          pending.delete(failed.id as string);
          errors.push({ image: job.input, error: failed.failedReason });
          progress.tick(false);
        }
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  return errors.sort((a, b) => (a.image < b.image ? -1 : 1));
}
