/**
 * `pnpm bench` (second part): images/s of `hrnet pose` over a folder of generated scenes with
 * `--jobs 1` vs `--jobs 2`, and of the queue mode (`hrnet queue add --wait` with two `hrnet worker`
 * processes on a local redis-server), side by side in one run. Not a test: timings on a shared
 * machine are only indicative.
 *
 * BENCH_IMAGES (default 32) scenes of 256×256; BENCH_BATCH_MODEL=w32 (default: pose-coco-w32-256x192
 * with random weights) or tiny (the oracle fixture's tiny pose net, for a quick run).
 * Each row: images / wall second of the whole command (start-up and model loading included) and the
 * rate the CLI itself reports (from its pool's start).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportStateDict, getPreset } from '@hrnetjs/core';
import { writeCheckpointFile, writePngFile } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';
import { fixturesDir, repoRoot } from '@hrnetjs/test-utils';
import { iterateDataset } from '../synthetic/dataset.js';

const COUNT = Number(process.env.BENCH_IMAGES ?? 32);
const MODEL = process.env.BENCH_BATCH_MODEL ?? 'w32';
const root = repoRoot();

function cli(args: string[]): ChildProcess & { out: string } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'packages/cli/src/main.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { out: string };
  child.out = '';
  child.stdout?.on('data', (c: Buffer) => (child.out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (child.out += c.toString()));
  return child;
}

async function timed(args: string[]): Promise<{ seconds: number; reported: number | null }> {
  const start = performance.now();
  const child = cli(args);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`hrnet ${args.slice(0, 2).join(' ')} … exited with ${code}:\n${child.out}`);
  const rates = [...child.out.matchAll(/(\d+\.\d+) img\/s/g)];
  return { seconds, reported: rates.length ? Number(rates[rates.length - 1][1]) : null };
}

async function until(test: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > 300_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function modelArgs(dir: string): Promise<string[]> {
  if (MODEL === 'tiny') {
    const fixtures = fixturesDir();
    return ['--weights', join(fixtures, 'pose/pose_tiny.pth'), '--config', join(fixtures, 'pose/pose_tiny_config.json')];
  }
  const config = getPreset('pose-coco-w32-256x192');
  const model = new PoseModel(config); // random weights: speed does not depend on values
  const weights = join(dir, 'pose_w32_random.safetensors');
  await writeCheckpointFile(weights, exportStateDict(model));
  model.dispose();
  return ['--weights', weights, '--config', 'pose-coco-w32-256x192'];
}

async function queueRun(images: string, out: string, model: string[]): Promise<{ seconds: number; reported: number | null } | string> {
  const server = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
  if (!existsSync(server)) return `skipped: ${server} missing (scripts/setup.sh installs redis-server)`;
  const port = await freePort();
  const redis = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let log = '';
  redis.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  const workers: Array<ChildProcess & { out: string }> = [];
  try {
    await until(() => /Ready to accept connections/.test(log), 'redis-server');
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 2; i++) workers.push(cli(['worker', '--redis', url, '--jobs', '1']));
    await until(() => workers.every((w) => /thread\(s\)/.test(w.out)), 'two workers');
    return await timed(['queue', 'add', 'pose', images, ...model, '--backend', 'wasm', '--out-dir', out, '--redis', url, '--wait']);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r(null)))));
    redis.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hrnet-batch-bench-'));
  try {
    const images = join(dir, 'images');
    mkdirSync(images);
    for (const { scene, image } of iterateDataset(COUNT, 0, { width: 256, height: 256 })) await writePngFile(join(images, image.file_name), scene.image);
    const model = await modelArgs(dir);
    const rows: Array<[string, { seconds: number; reported: number | null } | string]> = [];
    for (const jobs of [1, 2]) {
      rows.push([`--jobs ${jobs}`, await timed(['pose', images, ...model, '--backend', 'wasm', '--out-dir', join(dir, `out-${jobs}`), '--jobs', String(jobs)])]);
    }
    rows.push(['queue, 2 workers', await queueRun(images, join(dir, 'out-queue'), model)]);
    console.log(`hrnet pose over ${COUNT} generated 256×256 scenes, model ${MODEL === 'tiny' ? 'tiny fixture' : 'pose-coco-w32-256x192 (random weights)'}, tfjs wasm`);
    console.log('mode                wall s   images/s (wall)   images/s (CLI)   vs --jobs 1');
    const base = rows[0][1];
    for (const [mode, r] of rows) {
      if (typeof r === 'string') {
        console.log(`${mode.padEnd(18)}  ${r}`);
        continue;
      }
      const ratio = typeof base === 'string' ? '' : `${(base.seconds / r.seconds).toFixed(2)}×`;
      console.log(
        `${mode.padEnd(18)} ${r.seconds.toFixed(1).padStart(7)} ${(COUNT / r.seconds).toFixed(2).padStart(17)} ${(r.reported?.toFixed(2) ?? '?').padStart(16)} ${ratio.padStart(13)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`batch bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
