import { Piscina } from 'piscina';

/**
 * The worker-thread pool: `jobs` threads, each with its own engine and models. From the sources the
 * threads start through a tsx bootstrap; from the build through dist/batch-worker.js.
 */
export function createPool(jobs: number): Piscina {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './worker-source.mjs' : './batch-worker.js', import.meta.url).href;
  return new Piscina({
    filename,
    minThreads: jobs,
    maxThreads: jobs,
    // One image per thread at a time; the rest wait in piscina's queue.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
}
