/**
 * A folder of ONNX graphs that onnxruntime has already optimized for this machine's CPU.
 *
 * Why: with graphOptimizationLevel 'all' (the NCHWc conv layout that makes the CPU engine ≈2× faster)
 * onnxruntime keeps both the loaded and the re-laid-out weights while it optimizes, so a session peaks
 * near 3× the weight file. A graph saved after optimization, with its weights in an external file,
 * loads with optimization off: onnxruntime maps the weights from disk and peaks under 2×. The saved
 * graph is specific to this CPU's instruction set and this onnxruntime version (onnxruntime says so
 * when it writes it), so both are part of the entry's key along with the model's SHA-256.
 *
 * The optimizing session runs in a short-lived child process, so its peak never lands in the caller.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** File names inside one cache entry (the graph names its weights file relatively). */
const GRAPH = 'model.onnx';
const WEIGHTS = 'model.onnx.data';

/** SHA-256 of the model, streamed from disk for a path so the file never sits in the JS heap. */
async function modelDigest(model: Uint8Array | string): Promise<string> {
  const hash = createHash('sha256');
  if (typeof model !== 'string') return hash.update(model).digest('hex');
  for await (const chunk of createReadStream(model)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What makes an optimized graph valid here: the CPU's instruction set and the onnxruntime build. */
async function machineKey(ortVersion: string): Promise<string> {
  let flags = '';
  try {
    // Linux: the instruction-set flags decide onnxruntime's kernels (e.g. the NCHWc block of 8 or 16).
    flags = /^flags\s*:(.*)$/m.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
  } catch {
    // Other systems: the CPU model name stands in for the flags.
  }
  return `${arch()}|${cpus()[0]?.model ?? 'unknown cpu'}|${flags}|onnxruntime ${ortVersion}`;
}

/** The entry folder of `model` in `cacheDir`: `<model sha256[0:16]>-<machine key sha256[0:16]>`. */
export async function optimizedEntryDir(cacheDir: string, model: Uint8Array | string, ortVersion: string): Promise<string> {
  const machine = createHash('sha256').update(await machineKey(ortVersion)).digest('hex');
  return join(cacheDir, `${(await modelDigest(model)).slice(0, 16)}-${machine.slice(0, 16)}`);
}

/** The graph file of a complete entry, or undefined when it has none (or only part of one). */
export function cachedGraph(entryDir: string): string | undefined {
  const graph = join(entryDir, GRAPH);
  return existsSync(graph) && existsSync(join(entryDir, WEIGHTS)) ? graph : undefined;
}

/** Drops an entry that failed to load, so the next call writes it anew. */
export function dropEntry(entryDir: string): Promise<void> {
  return rm(entryDir, { recursive: true, force: true });
}

// The child: one session with optimizedModelFilePath, weights of ≥ 1 KiB into the external file.
const OPTIMIZE_SCRIPT = `
const [ortUrl, source, target, weights] = process.argv.slice(1);
const m = await import(ortUrl);
const ort = m.default?.InferenceSession ? m.default : m;
const session = await ort.InferenceSession.create(source, {
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3,
  optimizedModelFilePath: target,
  extra: { session: { optimized_model_external_initializers_file_name: weights, optimized_model_external_initializers_min_size_in_bytes: '1024' } },
});
await session.release();
`;

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', OPTIMIZE_SCRIPT, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`the optimizing process ended with ${signal ?? `code ${code}`}: ${stderr.trim() || 'no message'}`)),
    );
  });
}

/**
 * Writes the optimized graph of `model` into `entryDir` (atomically: a half-written entry is never
 * seen, and of two processes writing the same entry one wins, the other's copy is dropped).
 */
export async function writeOptimizedEntry(entryDir: string, model: Uint8Array | string): Promise<string> {
  const staging = `${entryDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    let source = model;
    if (typeof model !== 'string') {
      source = join(staging, 'source.onnx');
      await writeFile(source, model);
    }
    const ortUrl = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
    await runChild([ortUrl, source as string, join(staging, GRAPH), WEIGHTS]);
    if (typeof model !== 'string') await rm(source as string);
    try {
      await rename(staging, entryDir);
    } catch (e) {
      // Another process finished the same entry first: keep theirs.
      if (!cachedGraph(entryDir)) throw e;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const graph = cachedGraph(entryDir);
  if (!graph) throw new Error(`onnxruntime wrote no optimized graph into ${entryDir}`);
  return graph;
}
