/**
 * `pnpm train:demo`: trains the demo weights from scratch on generated synthetic scenes with our own
 * training code, on the wasm backend, and writes them (float16 safetensors) next to the app:
 *   apps/playground/weights/demo-multitask.safetensors   segmentation + Faster R-CNN, one backbone
 *   apps/playground/weights/demo-pose.safetensors        top-down pose
 * Each model trains data-parallel on `--workers N` worker threads (default: every core); with one
 * worker the two models train in parallel child processes instead, else one after the other. After
 * every epoch each writes a resumable checkpoint (weights + optimizer + epoch) to .train-demo/;
 * `--resume` continues from it (with the same worker count it equals an uninterrupted run).
 *
 * `--export` writes the weights of the latest resumable checkpoint without training (a snapshot).
 *
 * Usage: pnpm train:demo [--task all|multitask|pose] [--workers N] [--resume] [--export] [--out <dir>] [--epochs N] [--scenes N]
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, encodeSafetensors, exportStateDict, type FitProgress, formatProgress, type TaskModel } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { trainPose } from '@hrnetjs/pose-head';
import { generateScene } from '../synthetic/index.js';
import { DEMO_DETECTION_PIPELINE, DEMO_SCENE, TRAIN_SEED_BASE } from './demo-config.js';
import { createDemoMultiTask, createDemoPose } from './demo-models.js';
import { scenePoseExamples } from './scene-targets.js';
import { defaultWeightsDir, playgroundDir } from './paths.js';
import { trainMultiTask } from './train-multi-task.js';
import { decodeTrainingState, encodeTrainingState } from './training-state.js';

const STATE_DIR = resolve(playgroundDir(), '../../.train-demo');

type Task = 'multitask' | 'pose';

/** The recipe of each task: epochs × scenes per epoch, batch, lr and the epochs where it drops ×0.1. */
export const RECIPES = {
  multitask: { epochs: 38, scenesPerEpoch: 150, batchSize: 2, learningRate: 1e-3, lrSteps: [24, 35], seedOffset: 0 },
  pose: { epochs: 70, scenesPerEpoch: 200, batchSize: 16, learningRate: 2e-3, lrSteps: [60], seedOffset: 500_000 },
} as const;

interface Args {
  task: Task | 'all';
  resume: boolean;
  exportOnly: boolean;
  out: string;
  epochs?: number;
  scenes?: number;
  workers: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { task: 'all', resume: false, exportOnly: false, out: defaultWeightsDir(), workers: availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} must be a positive integer, got ${v}`);
      return n;
    };
    if (a === '--task') {
      const t = value();
      if (t !== 'all' && t !== 'multitask' && t !== 'pose') throw new Error(`--task must be all, multitask or pose, got ${t}`);
      args.task = t;
    } else if (a === '--resume') args.resume = true;
    else if (a === '--export') args.exportOnly = true;
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--epochs') args.epochs = positive(value());
    else if (a === '--scenes') args.scenes = positive(value());
    else if (a === '--workers') args.workers = positive(value());
    else throw new Error(`unknown option ${a}; usage: train:demo [--task all|multitask|pose] [--workers N] [--resume] [--export] [--out <dir>] [--epochs N] [--scenes N]`);
  }
  return args;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Writes `bytes` atomically (a crash mid-write never leaves a truncated checkpoint). */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}

/** The final weights file: float16 safetensors of the state dict (official keys). */
async function writeWeights(task: Task, model: TaskModel, out: string, epochs: number): Promise<string> {
  const outPath = join(out, `demo-${task}.safetensors`);
  await writeAtomic(outPath, encodeSafetensors(exportStateDict(model), { format: 'pt', source: `pnpm train:demo --task ${task}`, epochs: String(epochs) }, { dtype: 'float16' }));
  return outPath;
}

async function exportSnapshot(task: Task, out: string): Promise<void> {
  const statePath = join(STATE_DIR, `${task}.train.safetensors`);
  if (!existsSync(statePath)) throw new Error(`no training checkpoint at ${statePath}; run train:demo first`);
  const state = decodeTrainingState(await readFile(statePath));
  const model: TaskModel = task === 'multitask' ? createDemoMultiTask(state.weights) : createDemoPose(state.weights);
  console.log(`[${task}] wrote ${await writeWeights(task, model, out, state.epochsDone)} (after epoch ${state.epochsDone})`);
}

async function trainTask(task: Task, args: Args): Promise<void> {
  if (args.exportOnly) return exportSnapshot(task, args.out);
  const info = await useBackend('wasm');
  const recipe = RECIPES[task];
  const epochs = args.epochs ?? recipe.epochs;
  const scenesPerEpoch = args.scenes ?? recipe.scenesPerEpoch;
  const statePath = join(STATE_DIR, `${task}.train.safetensors`);
  const resumed = args.resume && existsSync(statePath) ? decodeTrainingState(await readFile(statePath)) : undefined;
  const startEpoch = resumed?.epochsDone ?? 0;
  const model: TaskModel = task === 'multitask' ? createDemoMultiTask(resumed?.weights) : createDemoPose(resumed?.weights);
  const optimizer = new Adam(recipe.learningRate);
  const steps = [...recipe.lrSteps];
  const seedBase = TRAIN_SEED_BASE + recipe.seedOffset;
  const workers = args.workers;
  console.log(`[${task}] backend ${info.name}; ${epochs} epochs × ${scenesPerEpoch} scenes, batch ${recipe.batchSize}, Adam ${recipe.learningRate} (×0.1 from epochs ${steps.join(', ')}), ${workers} worker${workers === 1 ? '' : 's'}${resumed ? `; resuming after epoch ${startEpoch}` : ''}`);
  if (resumed && (resumed.labels.workers ?? '1') !== String(workers)) {
    console.log(`[${task}] note: the checkpoint was trained with ${resumed.labels.workers ?? 1} worker(s); continuing with ${workers} gives other numbers than an uninterrupted run`);
  }
  const start = performance.now();
  let lastPrint = 0;
  const onEpochEnd = async (epoch: number, meanLoss: number) => {
    // Variables exist while training: the optimizer slots are saved against them.
    await writeAtomic(statePath, encodeTrainingState(model, optimizer, { epochsDone: epoch + 1, labels: { task, workers: String(workers) } }));
    const elapsed = performance.now() - start;
    const left = (elapsed / (epoch + 1 - startEpoch)) * (epochs - epoch - 1);
    console.log(`[${task}] epoch ${epoch + 1}/${epochs} mean loss ${meanLoss.toFixed(4)}  ${clock(elapsed)} elapsed, ~${clock(left)} left`);
  };
  const progress = (p: FitProgress, detail = '') => {
    const now = performance.now();
    if (now - lastPrint < 20_000 && p.step + 1 !== p.stepsInEpoch) return;
    lastPrint = now;
    console.log(`[${task}] ${formatProgress(p)}${detail}`);
  };
  if (resumed) {
    // Slots are matched to variables, which exist once the model is in training mode.
    model.setTraining(true);
    optimizer.importState(model.trainableVariables(), resumed.optimizer);
  }
  if (startEpoch >= epochs) console.log(`[${task}] already trained for ${startEpoch} epochs`);
  else if (task === 'multitask') {
    await trainMultiTask(model as ReturnType<typeof createDemoMultiTask>, {
      epochs,
      scenesPerEpoch,
      seedBase,
      scene: DEMO_SCENE,
      pipeline: { ...DEMO_DETECTION_PIPELINE, flipRatio: 0.5 },
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      warmupIters: 100,
      steps,
      startEpoch,
      optimizer,
      workers,
      onEpochEnd,
      onProgress: (p) => {
        const l = p.losses;
        progress(p, ` (rpn ${l.lossRpnCls.toFixed(3)}+${l.lossRpnBbox.toFixed(3)}, rcnn ${l.lossCls.toFixed(3)}+${l.lossBbox.toFixed(3)}, seg ${l.lossSeg.toFixed(3)})`);
      },
    });
  } else {
    const pose = model as ReturnType<typeof createDemoPose>;
    const [w, h] = pose.config.input.imageSize ?? [64, 96];
    await trainPose(pose, (epoch) => {
      const first = seedBase + epoch * scenesPerEpoch;
      return Array.from({ length: scenesPerEpoch }, (_, i) => scenePoseExamples(generateScene(first + i, DEMO_SCENE), w / h, 4)).flat();
    }, {
      epochs,
      startEpoch,
      optimizer,
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      lrSteps: steps,
      sigma: 2,
      seed: seedBase + 1,
      onEpochEnd,
      workers,
      onProgress: (p) => progress(p),
    });
  }
  model.setTraining(false);
  optimizer.dispose();
  console.log(`[${task}] wrote ${await writeWeights(task, model, args.out, epochs)} after ${clock(performance.now() - start)}`);
}

/** Both tasks in child processes, their lines prefixed by task: in parallel on one worker each, else one after the other. */
async function trainAll(argv: string[], workers: number): Promise<void> {
  const start = performance.now();
  const run = (task: Task) =>
    new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv, '--task', task], { stdio: 'inherit' });
      child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${task} training exited with code ${code}`))));
    });
  if (workers === 1) await Promise.all((['multitask', 'pose'] as const).map(run));
  else for (const task of ['multitask', 'pose'] as const) await run(task);
  console.log(`train:demo finished in ${clock(performance.now() - start)}`);
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.task === 'all') await trainAll(argv.filter((a, i) => a !== '--task' && argv[i - 1] !== '--task'), args.workers);
  else await trainTask(args.task, args);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`train:demo: ${error.message}`);
    process.exit(1);
  },
);
