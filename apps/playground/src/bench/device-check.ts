/**
 * The GPU device check that `bash scripts/device-check.sh` runs: W32 pose 256×192, W48 seg 512×1024
 * and Faster R-CNN W32 800×1344 (backbone + HRFPN + RPN convs, what the detector's features session
 * holds), random weights from our model tree, exported with `toOnnx()` and run on onnxruntime-node's
 * CPU (all threads), WebGPU (Dawn on Vulkan) and CUDA execution providers, each where it can start.
 * Each GPU provider's outputs are compared with the CPU provider's (1e-4 of each output's std), its
 * nodes' placement is read from a session profile, and ms per forward (median; host input and
 * output copies included) are printed with a JSON summary written to `--out` (default $OUT).
 *
 * Each model × provider runs in a child process of its own under a share of a global time budget,
 * so a provider that fails to start, crashes or hangs is reported and the rest goes on.
 *
 *   device-check.ts [--out DIR] [--models pose,seg,frcnn] [--eps cpu,webgpu,cuda] [--budget-s 280]
 *                   [--runs N] [--software-all]
 *   device-check.ts --case JSON      (one child measurement; internal)
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createOrtSession, loadOnnxRuntime, type OrtExecutionProvider, useBackend } from '@hrnetjs/core/node';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { difference } from '@hrnetjs/test-utils/compare';
import { fallbackNodes, readOrtProfile } from '@hrnetjs/test-utils/ort-profile';
import { BENCH_MODELS, type BenchModelId, createBenchModel } from './bench-models.js';

const TOLERANCE = 1e-4;
const MODELS: Record<string, { id: BenchModelId; gflop: number; warmup: number; runs: number }> = {
  // GFLOP: 2 × the multiply-accumulates `pnpm bench` counts (countMacs).
  pose: { id: 'pose-w32-256x192', gflop: 15.3, warmup: 3, runs: 20 },
  seg: { id: 'seg-w48-512x1024', gflop: 374, warmup: 1, runs: 5 },
  frcnn: { id: 'faster-rcnn-w32-800x1344', gflop: 567, warmup: 1, runs: 5 },
};
const EPS: OrtExecutionProvider[] = ['cpu', 'webgpu', 'cuda'];

interface Case {
  model: keyof typeof MODELS;
  ep: OrtExecutionProvider;
  onnxPath: string;
  outPrefix: string;
  warmup: number;
  runs: number;
  /** Epoch ms: no timed run starts that would end after it. */
  softDeadline: number;
}

interface CaseResult {
  ok: boolean;
  error?: string;
  sessionMs?: number;
  firstRunMs?: number;
  ms?: number;
  minMs?: number;
  runs?: number;
  /** Float nodes that ran outside the provider (GPU providers; from a profiled session). */
  fallbacks?: string[];
  nodesOnProvider?: number;
  placement?: string;
}

/** The input of every provider: deterministic, image-like values in [-2, 2]. */
function inputOf(model: keyof typeof MODELS): { data: Float32Array; dims: number[] } {
  const [h, w] = BENCH_MODELS[MODELS[model].id].input;
  const data = new Float32Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = 2 * Math.sin(i * 0.37) * Math.cos(i * 0.0011);
  return { data, dims: [1, h, w, 3] };
}

const PROVIDER_NAMES: Record<OrtExecutionProvider, string> = { cpu: 'CPUExecutionProvider', webgpu: 'WebGpuExecutionProvider', cuda: 'CUDAExecutionProvider' };

/** One model on one provider (child process): time it, write its outputs, read its node placement. */
async function runCase(c: Case): Promise<CaseResult> {
  const input = inputOf(c.model);
  let t = performance.now();
  const session = await createOrtSession(c.onnxPath, { executionProvider: c.ep });
  const sessionMs = performance.now() - t;
  t = performance.now();
  let outputs = await session.run({ input });
  const firstRunMs = performance.now() - t;
  const times: number[] = [];
  let last = firstRunMs;
  // GPU providers keep time for the profiled run below (a session and a forward more).
  const reserve = () => (c.ep === 'cpu' ? 0 : sessionMs + 2 * last);
  for (let i = 0; i < c.warmup - 1 + c.runs; i++) {
    if (Date.now() + last + reserve() > c.softDeadline) break;
    t = performance.now();
    outputs = await session.run({ input });
    last = performance.now() - t;
    if (i >= c.warmup - 1) times.push(last);
  }
  await session.release();
  // Outputs: one .bin of float32s and a .json index.
  const index: Array<{ name: string; dims: number[]; offset: number; length: number }> = [];
  let offset = 0;
  for (const [name, v] of Object.entries(outputs)) {
    index.push({ name, dims: v.dims, offset, length: v.data.length });
    offset += v.data.length;
  }
  const all = new Float32Array(offset);
  for (const e of index) all.set(outputs[e.name].data, e.offset);
  writeFileSync(`${c.outPrefix}.bin`, new Uint8Array(all.buffer));
  writeFileSync(`${c.outPrefix}.json`, JSON.stringify(index));
  const sorted = [...times].sort((a, b) => a - b);
  const result: CaseResult = {
    ok: true,
    sessionMs,
    firstRunMs,
    ms: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : firstRunMs,
    minMs: sorted.length ? sorted[0] : firstRunMs,
    runs: sorted.length,
  };
  // Where the nodes ran: a second, profiled session (the profiler would distort the timings above).
  if (c.ep !== 'cpu') {
    if (Date.now() + reserve() > c.softDeadline + 5_000) {
      result.placement = 'not read: no time left for a profiled run';
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'hrnet-device-profile-'));
      const profiled = await createOrtSession(c.onnxPath, { executionProvider: c.ep, profileFilePrefix: join(dir, 'p') });
      await profiled.run({ input });
      await profiled.release();
      const nodes = readOrtProfile(join(dir, 'p'));
      rmSync(dir, { recursive: true, force: true });
      result.fallbacks = fallbackNodes(nodes, PROVIDER_NAMES[c.ep]);
      result.nodesOnProvider = nodes.filter((n) => n.provider === PROVIDER_NAMES[c.ep]).length;
      result.placement = result.fallbacks.length === 0 ? `every float node on ${PROVIDER_NAMES[c.ep]}` : `${result.fallbacks.length} float nodes elsewhere`;
    }
  }
  return result;
}

function readOutputs(prefix: string): Map<string, { dims: number[]; data: Float32Array }> {
  const index = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as Array<{ name: string; dims: number[]; offset: number; length: number }>;
  const buf = readFileSync(`${prefix}.bin`);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return new Map(index.map((e) => [e.name, { dims: e.dims, data: all.subarray(e.offset, e.offset + e.length) }]));
}

/** Worst relative difference (max |gpu − cpu| / std(cpu)) over a model's outputs. */
function parity(cpuPrefix: string, gpuPrefix: string): { worstRelToStd: number; worstOutput: string; maxAbs: number; outputs: number; pass: boolean } {
  const cpu = readOutputs(cpuPrefix);
  const gpu = readOutputs(gpuPrefix);
  let worst = { worstRelToStd: -1, worstOutput: '', maxAbs: 0 };
  for (const [name, ref] of cpu) {
    const other = gpu.get(name);
    if (!other || other.dims.join('x') !== ref.dims.join('x')) {
      return { worstRelToStd: Infinity, worstOutput: `${name}: missing or dims ${other?.dims.join('x')} vs ${ref.dims.join('x')}`, maxAbs: Infinity, outputs: cpu.size, pass: false };
    }
    const d = difference(other.data, ref.data);
    if (!(d.relToStd <= worst.worstRelToStd)) worst = { worstRelToStd: Number.isNaN(d.relToStd) ? Infinity : d.relToStd, worstOutput: name, maxAbs: d.maxAbs };
  }
  return { ...worst, outputs: cpu.size, pass: worst.worstRelToStd < TOLERANCE };
}

interface VulkanChoice {
  icd: string | null;
  kind: 'nvidia' | 'lavapipe' | 'other' | 'none';
  library?: string;
  note: string;
}

const ICD_DIRS = ['/usr/local/nvidia/share/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

function icdLibrary(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { ICD?: { library_path?: string } }).ICD?.library_path;
  } catch {
    return undefined;
  }
}

function kindOf(library = ''): VulkanChoice['kind'] {
  return /nvidia/i.test(library) ? 'nvidia' : /lvp|lavapipe/i.test(library) ? 'lavapipe' : 'other';
}

/**
 * The Vulkan driver Dawn (inside onnxruntime) gets: $VK_ICD_FILENAMES / $VK_DRIVER_FILES when set,
 * else an NVIDIA ICD from the usual folders (alone, so Dawn cannot pick a software adapter), else
 * the repository's Mesa 25 lavapipe (scripts/setup.sh), else none.
 */
function chooseVulkanDriver(repo: string): VulkanChoice {
  const given = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (given) {
    const icd = given.split(':')[0];
    const library = icdLibrary(icd);
    return { icd, kind: kindOf(library), library, note: `from the environment (${given})` };
  }
  for (const dir of ICD_DIRS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const library = icdLibrary(join(dir, f));
      if (kindOf(library ?? f) === 'nvidia') return { icd: join(dir, f), kind: 'nvidia', library, note: 'NVIDIA ICD found' };
    }
  }
  const lvp = join(repo, '.cache', 'lavapipe', 'lvp_icd.json');
  if (existsSync(lvp)) {
    return { icd: lvp, kind: 'lavapipe', library: icdLibrary(lvp), note: 'no NVIDIA ICD; Mesa 25 lavapipe from scripts/setup.sh (software Vulkan: correctness only, its timings say nothing about a GPU)' };
  }
  return { icd: null, kind: 'none', note: `no Vulkan ICD: neither $VK_ICD_FILENAMES nor an NVIDIA ICD in ${ICD_DIRS.join(', ')} nor .cache/lavapipe` };
}

function hasVulkanLoader(): boolean {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return true;
  try {
    return /libvulkan\.so\.1\b/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 10_000 }));
  } catch {
    return ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib'].some((d) => existsSync(join(d, 'libvulkan.so.1')));
  }
}

function tryRun(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** onnxruntime-node's folder of native libraries, and which optional providers it holds. */
function ortInstall(): { version: string; binDir: string; cudaLibs: boolean } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('onnxruntime-node/package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const binDir = join(dirname(pkgPath), 'bin', 'napi-v6', process.platform, process.arch);
  const cudaLibs = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].every((f) => existsSync(join(binDir, f)));
  return { version, binDir, cudaLibs };
}

function runChild(c: Case, env: NodeJS.ProcessEnv, hardTimeoutMs: number): Promise<CaseResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...process.execArgv, process.argv[1], '--case', JSON.stringify(c)],
      { env, timeout: Math.max(1000, hardTimeoutMs), killSignal: 'SIGKILL', maxBuffer: 16 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          if (line.startsWith('{')) return done(JSON.parse(line) as CaseResult);
        } catch {}
        const why = error?.killed ? `killed after ${(hardTimeoutMs / 1000).toFixed(0)} s (time budget)` : `exit ${error?.code ?? '?'}${error?.signal ? ` (${error.signal})` : ''}`;
        const tail = stderr.trim().split('\n').filter((l) => !/artificially reduced|VerifyEachNodeIsAssignedToAnEp/.test(l)).slice(-3).join(' | ');
        done({ ok: false, error: `${why}${tail ? `: ${tail}` : ''}` });
      },
    );
  });
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '—' : v.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      case: { type: 'string' },
      out: { type: 'string' },
      models: { type: 'string', default: 'pose,seg,frcnn' },
      eps: { type: 'string', default: EPS.join(',') },
      'budget-s': { type: 'string', default: '280' },
      runs: { type: 'string' },
      'software-all': { type: 'boolean', default: false },
    },
  });
  if (values.case) {
    const c = JSON.parse(values.case) as Case;
    try {
      process.stdout.write(`${JSON.stringify(await runCase(c))}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message.split('\n').slice(0, 3).join(' ') })}\n`);
    }
    return;
  }

  const start = Date.now();
  const deadline = start + Number(values['budget-s']) * 1000;
  const repo = resolve(process.env.HRNET_REPO ?? process.cwd());
  const outDir = resolve(values.out ?? process.env.OUT ?? join(repo, 'device-check-out'));
  mkdirSync(outDir, { recursive: true });
  const models = values.models.split(',').map((m) => m.trim()) as Array<keyof typeof MODELS>;
  for (const m of models) if (!MODELS[m]) throw new Error(`unknown model '${m}'; expected ${Object.keys(MODELS).join(', ')}`);
  const eps = values.eps.split(',').map((e) => e.trim()) as OrtExecutionProvider[];
  if (!eps.includes('cpu')) eps.unshift('cpu');
  const log = (line = '') => process.stdout.write(`${line}\n`);

  // The machine and what each provider needs.
  const ort = ortInstall();
  const backends = (await loadOnnxRuntime()).listSupportedBackends?.().map((b) => `${b.name}${b.bundled ? '' : ' (not installed)'}`) ?? [];
  const gpu = tryRun('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']);
  const vulkan = chooseVulkanDriver(repo);
  const loader = hasVulkanLoader();
  const providers: Record<string, { available: boolean; note: string; [k: string]: unknown }> = {
    cpu: { available: true, note: `${availableParallelism()} threads`, threads: availableParallelism() },
    webgpu:
      vulkan.kind === 'none'
        ? { available: false, note: vulkan.note }
        : !loader
          ? { available: false, note: 'the Vulkan loader libvulkan.so.1 is missing (apt-get install libvulkan1, or run from a device-check pack, which carries one)' }
          : { available: true, adapter: vulkan.kind, icd: vulkan.icd, library: vulkan.library, note: vulkan.note },
    cuda: ort.cudaLibs
      ? { available: true, note: `CUDA provider libraries in ${ort.binDir} (they need CUDA 12 and cuDNN 9 on the library path)` }
      : {
          available: false,
          note:
            `onnxruntime-node ${ort.version} has no CUDA provider libraries in ${ort.binDir} (its postinstall download is skipped: .npmrc onnxruntime-node-install=skip). ` +
            `With network: ONNXRUNTIME_NODE_INSTALL=cuda12 node <onnxruntime-node>/script/install.js (NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux ${ort.version}: ` +
            'libonnxruntime_providers_{cuda,shared}.so into that folder); at run time CUDA 12 (cudart, cublas, cublasLt, cufft, curand) and cuDNN 9 must be on LD_LIBRARY_PATH',
        },
  };
  log(`HRNet.js device check — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  log(`GPU (nvidia-smi): ${gpu ?? 'none found'}`);
  log(`onnxruntime-node ${ort.version}; backends of this install: ${backends.join(', ')}`);
  for (const ep of eps) log(`  ${ep}: ${providers[ep].available ? 'available' : 'UNAVAILABLE'} — ${providers[ep].note}`);
  log();

  // Export every model once (random weights; TF.js cpu backend: no compute, only the module tree).
  await useBackend('cpu');
  tf.enableProdMode();
  const work = mkdtempSync(join(tmpdir(), 'hrnet-device-check-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir() };
  if (vulkan.icd) Object.assign(childEnv, { VK_ICD_FILENAMES: vulkan.icd, VK_DRIVER_FILES: vulkan.icd });

  const summary: Record<string, unknown>[] = [];
  const cases = models.length * eps.length;
  let done = 0;
  for (const m of models) {
    const spec = MODELS[m];
    let t = performance.now();
    const net = createBenchModel(spec.id);
    randomizeWeights(net, 7);
    const onnxPath = join(work, `${m}.onnx`);
    const bytes = net.toOnnx();
    writeFileSync(onnxPath, bytes);
    net.dispose();
    const row: Record<string, unknown> = { model: m, id: spec.id, input: inputOf(m).dims, gflop: spec.gflop, exportS: (performance.now() - t) / 1000, onnxMB: bytes.length / 2 ** 20, providers: {} };
    log(`${spec.id}: exported in ${fmt((performance.now() - t) / 1000)} s (${fmt(bytes.length / 2 ** 20, 0)} MB)`);
    const results = row.providers as Record<string, unknown>;
    for (const ep of eps) {
      done++;
      const remaining = deadline - Date.now();
      if (!providers[ep].available) {
        results[ep] = { ok: false, skipped: 'provider unavailable' };
        continue;
      }
      if (ep !== 'cpu' && !(results.cpu as CaseResult | undefined)?.ok) {
        results[ep] = { ok: false, skipped: 'no CPU reference' };
        continue;
      }
      if (ep === 'webgpu' && vulkan.kind === 'lavapipe' && m !== 'pose' && !values['software-all']) {
        results[ep] = { ok: false, skipped: 'software adapter (lavapipe): minutes per forward; --software-all runs it' };
        log(`  ${ep.padEnd(6)} skipped on the software adapter (--software-all runs it)`);
        continue;
      }
      if (remaining < 15_000) {
        results[ep] = { ok: false, skipped: 'time budget spent' };
        log(`  ${ep.padEnd(6)} skipped: time budget spent`);
        continue;
      }
      const share = Math.max(20_000, (remaining / (cases - done + 1)) * 1.5);
      const runs = values.runs ? Number(values.runs) : spec.runs;
      t = performance.now();
      const c: Case = { model: m, ep, onnxPath, outPrefix: join(work, `${m}.${ep}`), warmup: spec.warmup, runs, softDeadline: Date.now() + Math.min(share, remaining - 10_000) };
      const r: CaseResult & { parity?: ReturnType<typeof parity>; wallS?: number } = await runChild(c, childEnv, remaining - 5_000);
      r.wallS = (performance.now() - t) / 1000;
      if (r.ok && ep !== 'cpu') r.parity = parity(join(work, `${m}.cpu`), c.outPrefix);
      if (ep !== 'cpu') rmSync(`${c.outPrefix}.bin`, { force: true });
      results[ep] = r;
      if (!r.ok) {
        log(`  ${ep.padEnd(6)} FAILED: ${r.error}`);
        continue;
      }
      const p = r.parity;
      log(
        `  ${ep.padEnd(6)} ${fmt(r.ms).padStart(9)} ms/forward (${fmt(spec.gflop / ((r.ms as number) / 1000), 0)} GFLOP/s; min ${fmt(r.minMs)}, ${r.runs} runs; session ${fmt(r.sessionMs, 0)} ms, first run ${fmt(r.firstRunMs, 0)} ms)` +
          (p ? `  parity vs cpu: ${p.pass ? 'PASS' : 'FAIL'} worst ${p.worstRelToStd.toExponential(2)} of std (${p.worstOutput}, max |Δ| ${p.maxAbs.toExponential(2)})` : '') +
          (r.placement ? `  [${r.placement}]` : ''),
      );
    }
    rmSync(join(work, `${m}.cpu.bin`), { force: true });
    rmSync(onnxPath, { force: true });
    summary.push(row);
  }

  const checked = summary.flatMap((row) =>
    Object.entries(row.providers as Record<string, CaseResult & { parity?: ReturnType<typeof parity> }>)
      .filter(([ep, r]) => ep !== 'cpu' && r.ok)
      .map(([ep, r]) => ({ model: row.model as string, ep, pass: r.parity?.pass === true, worst: r.parity?.worstRelToStd, fallbacks: r.fallbacks?.length ?? null })),
  );
  const report = {
    tool: 'HRNet.js device check (scripts/device-check.sh)',
    date: new Date().toISOString(),
    durationS: (Date.now() - start) / 1000,
    budgetS: Number(values['budget-s']),
    tolerance: TOLERANCE,
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, gpu },
    onnxruntime: { version: ort.version, backends },
    providers,
    models: summary,
    verdict: {
      gpuProvidersChecked: checked,
      allParityPass: checked.every((c) => c.pass),
      note: checked.length === 0 ? 'no GPU provider ran: nothing compared with CPU' : undefined,
    },
  };
  writeFileSync(join(outDir, 'device-check.json'), `${JSON.stringify(report, null, 2)}\n`);
  log();
  log(
    checked.length === 0
      ? 'No GPU provider ran here: nothing was compared with CPU.'
      : `Parity vs CPU (1e-4 of std): ${checked.map((c) => `${c.model}/${c.ep} ${c.pass ? 'pass' : 'FAIL'} (${c.worst?.toExponential(2)})`).join(', ')}`,
  );
  log(`Summary: ${join(outDir, 'device-check.json')} (${fmt((Date.now() - start) / 1000, 0)} s)`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`device check failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
