import { Queue } from 'bullmq';
import type { CommandContext } from '../commands/command.js';
import { checkRedis, connectionOptions, DEFAULT_QUEUE, redisUrl, safeUrl } from './connection.js';

/** `hrnet queue status --redis URL [--queue hrnet] [--json]`: job counts, workers and the latest failures. */
export async function queueStatus({ options, stdout }: CommandContext): Promise<void> {
  const url = redisUrl(options.string('redis'));
  await checkRedis(url);
  const name = options.string('queue') ?? DEFAULT_QUEUE;
  const queue = new Queue(name, { connection: connectionOptions(url, 10_000, () => {}) });
  queue.on('error', () => {});
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
    const workers = await queue.getWorkers();
    const failed = await queue.getFailed(0, 9);
    const failures = failed.map((j) => ({ image: (j.data as { input?: string }).input ?? j.id, error: j.failedReason }));
    if (options.flag('json')) {
      stdout(JSON.stringify({ queue: name, counts, workers: workers.length, failures }));
      return;
    }
    const waiting = counts.waiting + counts.prioritized;
    stdout(`queue '${name}' on ${safeUrl(url)}: ${waiting} waiting, ${counts.active} active, ${counts.delayed} retrying later, ${counts.completed} completed, ${counts.failed} failed; ${workers.length} worker connection(s)`);
    for (const f of failures) stdout(`  failed: ${f.image}: ${f.error}`);
  } finally {
    await queue.close();
  }
}
