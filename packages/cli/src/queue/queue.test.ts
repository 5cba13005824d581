import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@hrnetjs/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../batch/test-cli.js';
import { writeScenes } from '../batch/test-images.js';
import { Options } from '../commands/command.js';
import { parseRedisUrl } from './connection.js';
import { queueStatus } from './status.js';
import { freePort, TestRedis } from './test-redis.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnet-queue-'));
const POSE = ['--weights', fixturePath('pose', 'pose_tiny.pth'), '--config', fixturePath('pose', 'pose_tiny_config.json'), '--backend', 'wasm', '--no-flip'];
// Short locks so a killed worker's job is handed on within seconds (defaults: 30 s).
const FAST = ['--jobs', '1', '--lock-ms', '2000', '--stalled-ms', '1000', '--redis-retry-s', '60'];

let redis: TestRedis;
const workers: CliProcess[] = [];
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await w.exited;
  }
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker process; `fast`: short locks (the kill / restart cases), else the defaults (a busy machine never trips a lock). */
function worker(queue: string, fast = true): CliProcess {
  const w = new CliProcess(['worker', '--redis', redis.url, '--queue', queue, ...(fast ? FAST : ['--jobs', '1'])]);
  workers.push(w);
  return w;
}

/** `<verb> <key>` lines a worker printed, e.g. every key it finished. */
const keys = (w: CliProcess, verb: 'start' | 'done' | 'failed') => [...w.stdout.matchAll(new RegExp(`^${verb} (\\S+?):?(?: |$)`, 'gm'))].map((m) => m[1]);
const results = (out: string) => (existsSync(out) ? readdirSync(out).filter((f) => /^q\d+\.json$/.test(f)).sort() : []);

describe('hrnet queue / hrnet worker on a real redis-server', () => {
  it('two workers process a set exactly once; a corrupt image is one failed job and one error entry', async () => {
    const input = join(dir, 'two-in');
    await writeScenes(input, ['q1', 'q2', 'q3', 'q4'], undefined, 5);
    writeFileSync(join(input, 'q9.png'), 'not an image');
    const out = join(dir, 'two-out');
    const [a, b] = [worker('two', false), worker('two', false)];
    const add = await runCli('queue', 'add', 'pose', input, ...POSE, '--out-dir', out, '--redis', redis.url, '--queue', 'two', '--wait');
    expect(add.stderr).toMatch(/5 images, 0 already done, 5 job\(s\) added/);
    expect(add.code).toBe(1);
    const done = [...keys(a, 'done'), ...keys(b, 'done')].sort();
    expect(done).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect([...keys(a, 'start'), ...keys(b, 'start')].sort()).toEqual(['q1', 'q2', 'q3', 'q4', 'q9']);
    expect([...keys(a, 'failed'), ...keys(b, 'failed')]).toEqual(['q9']);
    const errors = JSON.parse(readFileSync(join(out, 'errors.json'), 'utf8'));
    expect(errors).toEqual([{ image: join(input, 'q9.png'), error: expect.stringMatching(/not a PNG or JPEG/) }]);
    expect(results(out)).toEqual(['q1.json', 'q2.json', 'q3.json', 'q4.json']);
    expect(JSON.parse(readFileSync(join(out, 'coco_results.json'), 'utf8')).map((r: { image_id: number }) => r.image_id)).toEqual([1, 2, 3, 4]);

    let status = '';
    await queueStatus({ options: new Options({ redis: redis.url, queue: 'two', json: true }), positionals: [], stdout: (t) => (status += t), stderr: () => {} });
    expect(JSON.parse(status)).toMatchObject({ queue: 'two', counts: { waiting: 0, active: 0, completed: 4, failed: 1 }, workers: 2 });
    // Graceful stop.
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  });

  it('a worker killed (SIGKILL) mid-job: the job completes on another worker, nothing lost, nothing duplicated', async () => {
    const input = join(dir, 'kill-in');
    await writeScenes(input, ['q1', 'q2', 'q3'], undefined, 9);
    const out = join(dir, 'kill-out');
    const add = new CliProcess(['queue', 'add', 'pose', input, ...POSE, '--out-dir', out, '--redis', redis.url, '--queue', 'kill', '--wait']);
    workers.push(add);
    await add.waitFor(() => /3 job\(s\) added/.test(add.stderr), 'the jobs to be added');
    const victim = worker('kill');
    // Its first job includes loading the models: it is certainly still running when the kill lands.
    await victim.waitFor(() => keys(victim, 'start').length === 1, 'the first job to start');
    victim.child.kill('SIGKILL');
    await victim.exited;
    const [killedKey] = keys(victim, 'start');
    expect(keys(victim, 'done')).toEqual([]);

    const rescuer = worker('kill');
    expect(await add.exited).toBe(0);
    expect(keys(rescuer, 'done').sort()).toEqual(['q1', 'q2', 'q3']);
    expect(keys(rescuer, 'done')).toContain(killedKey);
    expect(results(out)).toEqual(['q1.json', 'q2.json', 'q3.json']);
    const coco = JSON.parse(readFileSync(join(out, 'coco_results.json'), 'utf8'));
    expect(coco.map((r: { image_id: number }) => r.image_id)).toEqual([1, 2, 3]);
    expect(existsSync(join(out, 'errors.json'))).toBe(false);
  });

  it('Redis restarted mid-run: workers reconnect and the set completes', async () => {
    const input = join(dir, 'restart-in');
    await writeScenes(input, ['q1', 'q2', 'q3', 'q4', 'q5'], undefined, 13);
    const out = join(dir, 'restart-out');
    const w = worker('restart');
    await w.waitFor(() => /thread\(s\)/.test(w.stderr), 'the worker to connect');
    // The producer follows the set (--wait) across the restart too.
    const add = new CliProcess(['queue', 'add', 'pose', input, ...POSE, '--out-dir', out, '--redis', redis.url, '--queue', 'restart', '--wait']);
    workers.push(add);
    await w.waitFor(() => keys(w, 'done').length >= 1, 'a first finished job');
    await redis.stop();
    expect(keys(w, 'done').length).toBeLessThan(5); // mid-run
    await new Promise((r) => setTimeout(r, 1500));
    await redis.restart();
    expect(await add.exited).toBe(0);
    expect(add.stderr).toMatch(/done: 5 images/);
    expect(results(out)).toEqual(['q1.json', 'q2.json', 'q3.json', 'q4.json', 'q5.json']);
    expect(new Set(keys(w, 'done'))).toEqual(new Set(['q1', 'q2', 'q3', 'q4', 'q5']));
    expect(w.child.exitCode).toBeNull(); // still serving
  });

  it('an unreachable Redis is one clear error, not a hang', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const status = await runCli('queue', 'status', '--redis', url);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(new RegExp(`cannot reach Redis at ${url}: .*ECONNREFUSED.*check --redis`));
    const w = await runCli('worker', '--redis', url);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/cannot reach Redis/);
    expect(() => parseRedisUrl('http://x')).toThrow(/--redis must start with redis:\/\/ or rediss:\/\//);
    expect(parseRedisUrl('redis://u:p%40ss@h:7000/3')).toMatchObject({ host: 'h', port: 7000, username: 'u', password: 'p@ss', db: 3 });
  });
});
