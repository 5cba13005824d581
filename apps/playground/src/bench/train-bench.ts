/**
 * `pnpm bench` (second part): training throughput of the demo's pose and multi-task loops with 1
 * and 2 worker threads side by side, examples/s over BENCH_TRAIN_STEPS timed steps after one
 * warm-up step (which also absorbs the workers' start-up). Tiny runs on generated scenes: the
 * figures are only as quiet as the machine.
 */
import { Worker } from 'node:worker_threads';
import { Adam } from '@hrnetjs/core';
import { siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import { trainPose } from '@hrnetjs/pose-head';
import { type PoseBatch, slicePoseBatch } from '@hrnetjs/pose-head/ops';
import { useBackend } from '@hrnetjs/core/node';
import { DEMO_DETECTION_PIPELINE, DEMO_SCENE, TRAIN_SEED_BASE } from '../demo-model/demo-config.js';
import { createDemoMultiTask, createDemoPose } from '../demo-model/demo-models.js';
import { scenePoseExamples } from '../demo-model/scene-targets.js';
import { trainMultiTask } from '../demo-model/train-multi-task.js';
import { generateScene } from '../synthetic/index.js';

const STEPS = Number(process.env.BENCH_TRAIN_STEPS ?? 4);
const WORKERS = (process.env.BENCH_TRAIN_WORKERS ?? '1,2').split(',').map(Number);
const POSE_BATCH = 16;
const MULTI_TASK_BATCH = 4;

/** Examples/s of the epochs after the first (one step each). */
async function timed(run: (onEpochEnd: (epoch: number) => void) => Promise<unknown>, examplesPerStep: number): Promise<number> {
  let start = 0;
  await run((epoch) => {
    if (epoch === 0) start = performance.now();
  });
  return (STEPS * examplesPerStep) / ((performance.now() - start) / 1000);
}

async function poseThroughput(workers: number): Promise<number> {
  const model = createDemoPose();
  const [w, h] = model.config.input.imageSize ?? [64, 96];
  const examples = (epoch: number) => {
    const out = [];
    for (let i = 0; out.length < POSE_BATCH; i++) out.push(...scenePoseExamples(generateScene(TRAIN_SEED_BASE + epoch * 100 + i, DEMO_SCENE), w / h, 4));
    return out.slice(0, POSE_BATCH);
  };
  const rate = await timed((onEpochEnd) => trainPose(model, examples, { epochs: 1 + STEPS, batchSize: POSE_BATCH, learningRate: 1e-3, sigma: 2, workers, onEpochEnd }), POSE_BATCH);
  model.dispose();
  return rate;
}

async function multiTaskThroughput(workers: number): Promise<number> {
  const model = createDemoMultiTask();
  const rate = await timed(
    (onEpochEnd) =>
      trainMultiTask(model, {
        epochs: 1 + STEPS,
        scenesPerEpoch: MULTI_TASK_BATCH,
        seedBase: TRAIN_SEED_BASE,
        scene: DEMO_SCENE,
        pipeline: { ...DEMO_DETECTION_PIPELINE, flipRatio: 0.5 },
        batchSize: MULTI_TASK_BATCH,
        learningRate: 1e-3,
        workers,
        onEpochEnd,
      }),
    MULTI_TASK_BATCH,
  );
  model.dispose();
  return rate;
}

/**
 * What this machine gives two threads right now, relative to one: a pure-JS spin alone, then on
 * two worker threads at once. On a shared machine the training speed-ups are bounded by it.
 */
async function threadCapacity(): Promise<number> {
  const code = `const t = performance.now(); let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; (await import('node:worker_threads')).parentPort.postMessage(performance.now() - t + 0 * x);`;
  const spin = () => new Promise<number>((resolve, reject) => new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`)).once('message', resolve).once('error', reject));
  const alone = await spin();
  const together = await Promise.all([spin(), spin()]);
  return (2 * alone) / Math.max(...together);
}

/**
 * The serial part of a 2-worker pose step (averaging, Adam step, weight broadcast in this thread)
 * as a share of the step: it bounds the speed-up on idle cores (Amdahl), whatever else runs here.
 */
async function coordinatorShare(): Promise<{ stepMs: number; coordinatorMs: number }> {
  const model = createDemoPose();
  const [w, h] = model.config.input.imageSize ?? [64, 96];
  const [hw, hh] = model.config.input.heatmapSize ?? [16, 24];
  const batch: PoseBatch = {
    input: new Float32Array(POSE_BATCH * w * h * 3).fill(0.5),
    targets: Array.from({ length: POSE_BATCH }, () => ({ target: new Float32Array(17 * hw * hh), targetWeight: new Float32Array(17).fill(1) })),
  };
  const optimizer = new Adam(1e-3);
  const replicaUrl = siblingModuleUrl(import.meta.resolve('@hrnetjs/pose-head'), './train/pose-replica.ts', './train-replica.js');
  const parallel = await startDataParallel<PoseBatch>({ workers: 2, model, optimizer, replica: { url: replicaUrl, options: { config: model.config } }, size: (b) => b.targets.length, split: slicePoseBatch });
  await parallel.step(batch); // warm-up
  const { workersMs, coordinatorMs } = { ...parallel.timing };
  for (let i = 0; i < STEPS; i++) await parallel.step(batch);
  const t = parallel.timing;
  await parallel.close();
  model.setTraining(false);
  optimizer.dispose();
  model.dispose();
  const coordinator = (t.coordinatorMs - coordinatorMs) / STEPS;
  return { stepMs: (t.workersMs - workersMs) / STEPS + coordinator, coordinatorMs: coordinator };
}

async function main(): Promise<void> {
  await useBackend('wasm');
  const capacity = await threadCapacity();
  console.log(`\ntraining throughput (wasm, ${STEPS} timed steps after 1 warm-up; pose batch ${POSE_BATCH}, multi-task batch ${MULTI_TASK_BATCH})`);
  console.log(`loop        ${WORKERS.map((n) => `${n} worker${n === 1 ? ' ' : 's'}`.padStart(14)).join('')}   speed-up`);
  for (const [name, measure] of [['pose', poseThroughput], ['multi-task', multiTaskThroughput]] as const) {
    const rates: number[] = [];
    for (const n of WORKERS) rates.push(await measure(n));
    const cells = rates.map((r) => `${r.toFixed(2)} ex/s`.padStart(14)).join('');
    console.log(`${name.padEnd(12)}${cells}   ${rates.length > 1 ? `${(rates[rates.length - 1] / rates[0]).toFixed(2)}×` : ''}`);
  }
  const after = await threadCapacity();
  console.log(`(2 threads got ${capacity.toFixed(2)}× / ${after.toFixed(2)}× the work of 1 thread here before / after, pure-JS spin: the ceiling of these speed-ups)`);
  const share = await coordinatorShare();
  const s = share.coordinatorMs / share.stepMs;
  console.log(
    `pose, 2 workers: ${share.stepMs.toFixed(0)} ms per step, of which ${share.coordinatorMs.toFixed(1)} ms (${(100 * s).toFixed(1)}%) serial in the coordinator ` +
      `→ ≈ ${(2 - s).toFixed(2)}× on 2 idle cores (1 worker would do the workers' part alone)`,
  );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`train bench: ${error.message}`);
    process.exit(1);
  },
);
