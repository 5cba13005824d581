import { availableParallelism } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { ortCacheOption } from '../engine.js';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../commands/command.js';
import { createPool } from '../batch/pool.js';
import type { ImageJob, ImageJobResult } from '../batch/process-image.js';
import { parseJobs } from '../batch/spec.js';
import { checkRedis, connectionOptions, DEFAULT_QUEUE, redisUrl, safeUrl } from './connection.js';

function ms(options: CommandContext['options'], name: string, fallback: number): number {
  const raw = options.string(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new CliError(`--${name} must be a positive integer (milliseconds); got '${raw}'`);
  return v;
}

/**
 * `hrnet worker --redis URL [--queue hrnet] [--jobs N] [--lock-ms 30000] [--stalled-ms 30000]
 * [--redis-retry-s 60]`: takes image jobs from the queue onto N worker threads (each loads the job's
 * models once). The model comes from each job's settings (paths every worker can read). A job whose
 * worker dies is moved back to the queue when its lock expires (at-least-once); results are files
 * named by the image, so a retry rewrites the same file. SIGINT / SIGTERM: finish the jobs in hand, then exit.
 */
export async function workerCommand({ options, stdout, stderr }: CommandContext): Promise<void> {
  const url = redisUrl(options.string('redis'));
  const name = options.string('queue') ?? DEFAULT_QUEUE;
  const jobs = parseJobs(options);
  const lockDuration = ms(options, 'lock-ms', 30_000);
  const stalledInterval = ms(options, 'stalled-ms', 30_000);
  const giveUpMs = ms(options, 'redis-retry-s', 60) * 1000;
  const version = await checkRedis(url);

  const pool = createPool(jobs);
  let giveUp: ((reason: Error) => void) | null = null;
  const lost = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  lost.catch(() => {});
  const connection = connectionOptions(url, giveUpMs, (message) => giveUp?.(new CliError(message)));
  const intraOpThreads = Math.max(1, Math.floor(availableParallelism() / jobs));
  const ortCache = ortCacheOption(options);

  const worker = new Worker<ImageJob>(
    name,
    async (job: Job<ImageJob>) => {
      const data = job.data;
      stdout(`start ${data.key} (job ${job.id}, attempt ${job.attemptsMade + 1})`);
      // The intra-op threads and the optimized-graph folder belong to this machine: cores / --jobs, --ort-cache.
      const result: ImageJobResult = await pool.run({ ...data, spec: { ...data.spec, intraOpThreads, ortCache } });
      if (!result.ok) {
        stdout(`failed ${data.key}: ${result.error}`);
        // A corrupt or unreadable image stays so on every retry: fail it now.
        throw new UnrecoverableError(result.error);
      }
      stdout(`done ${data.key}`);
      return { count: result.count };
    },
    { connection, concurrency: jobs, lockDuration, stalledInterval, maxStalledCount: 2, autorun: false },
  );
  worker.on('error', (error) => stderr(`worker: ${error.message} (retrying)`));
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof UnrecoverableError) && error.name !== 'UnrecoverableError') stderr(`job ${job.id} (${job.data.key}) failed: ${error.message}`);
  });
  stderr(`worker on queue '${name}' at ${safeUrl(url)} (Redis ${version}): ${jobs} thread(s)`);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    if (stopping) return;
    stderr('stopping: finishing the jobs in hand');
    stopping = worker.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await Promise.race([worker.run(), lost]);
    await stopping;
  } catch (error) {
    await worker.close(true).catch(() => {});
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await pool.destroy();
  }
  stderr('worker stopped');
}
