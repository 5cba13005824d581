import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { CliError } from '../cli-error.js';

/** BullMQ's default queue name for `hrnet queue` / `hrnet worker`. */
export const DEFAULT_QUEUE = 'hrnet';

/** `redis://[user:password@]host[:port][/db]` → ioredis options (rediss:// → TLS). */
export function parseRedisUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`--redis must be a URL like redis://127.0.0.1:6379; got '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new CliError(`--redis must start with redis:// or rediss://; got '${url}'`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new CliError(`--redis: the database must be a number (redis://host:port/0); got '${u.pathname}'`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL without its password, for messages. */
export const safeUrl = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * Connection options that retry a lost connection with backoff (0.25 s … 2 s) for at most
 * `giveUpMs` in a row, then call `onGiveUp` — a Redis restart is ridden out, a dead Redis is not
 * waited for forever. BullMQ workers need `maxRetriesPerRequest: null` (blocking commands).
 */
export function connectionOptions(url: string, giveUpMs: number, onGiveUp: (error: string) => void): RedisOptions {
  let waited = 0;
  return {
    ...parseRedisUrl(url),
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    retryStrategy(times: number) {
      if (times === 1) waited = 0;
      const delay = Math.min(250 * times, 2000);
      waited += delay;
      if (waited > giveUpMs) {
        onGiveUp(`no connection to Redis at ${safeUrl(url)} for ${Math.round(giveUpMs / 1000)} s; giving up`);
        return null;
      }
      return delay;
    },
  };
}

/**
 * Fails fast with one clear line when Redis is unreachable (three quick tries, then the error), so
 * a wrong --redis never hangs. Returns the server version.
 */
export async function checkRedis(url: string): Promise<string> {
  const client = new Redis({
    ...parseRedisUrl(url),
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (times) => (times > 3 ? null : 200),
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch (error) {
    throw new CliError(`cannot reach Redis at ${safeUrl(url)}: ${lastError || (error as Error).message} (is redis-server running there? check --redis)`);
  } finally {
    client.disconnect();
  }
}

/** `--redis` (or $HRNET_REDIS) is required by the queue commands. */
export function redisUrl(value: string | undefined): string {
  const url = value ?? process.env.HRNET_REDIS;
  if (!url) throw new CliError('--redis <url> is required (e.g. redis://127.0.0.1:6379), or set HRNET_REDIS');
  return url;
}
