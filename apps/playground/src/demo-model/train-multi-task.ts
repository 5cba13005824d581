/**
 * Trains the shared-backbone model on freshly generated synthetic scenes: every epoch draws new
 * scenes (seeded by epoch), so the model never sees an image twice and a resumed run continues
 * exactly where it stopped.
 */
import { Adam, enableTraining, fit, type FitProgress } from '@hrnetjs/core';
import { createRandom, type DataParallel, siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import { type DetectionTrainPipelineConfig, parseFasterRcnnTrainConfig } from '@hrnetjs/detection-head';
import { stepLrWithWarmup } from '@hrnetjs/detection-head/ops';
import type { MultiTaskModel } from '../multitask/index.js';
import { generateScene, type SceneOptions } from '../synthetic/index.js';
import { multiTaskBatchLoss, type MultiTaskLosses, multiTaskReplicaOptions } from './multi-task-replica.js';
import { multiTaskSample, type MultiTaskSample } from './scene-targets.js';

export interface MultiTaskTrainProgress extends FitProgress {
  losses: MultiTaskLosses;
}

export interface TrainMultiTaskOptions {
  epochs: number;
  scenesPerEpoch: number;
  /** Scene of epoch e, index i has seed `seedBase + e · scenesPerEpoch + i`. */
  seedBase: number;
  scene: Omit<SceneOptions, 'imageId'>;
  /** The detector's train pipeline; its scale must keep the scene size (flip is applied to labels too). */
  pipeline: DetectionTrainPipelineConfig;
  batchSize: number;
  /** Adam base lr, linear warmup over `warmupIters` steps, ×gamma at each of `steps` (epochs). */
  learningRate: number;
  warmupIters?: number;
  steps?: number[];
  gamma?: number;
  segWeight?: number;
  startEpoch?: number;
  /**
   * Worker threads sharing each batch (default 1: this thread, the original loop). With N > 1 the
   * RPN / RoI samplers of each share draw from a stream seeded by (seedBase, epoch, step, worker).
   */
  workers?: number;
  /** Caller-owned optimizer (resume with its state); default a new Adam. */
  optimizer?: Adam;
  onProgress?: (progress: MultiTaskTrainProgress) => void;
  onEpochEnd?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/** Returns the mean loss of every epoch run. */
export async function trainMultiTask(model: MultiTaskModel, options: TrainMultiTaskOptions): Promise<number[]> {
  await enableTraining();
  const { epochs, scenesPerEpoch, seedBase, batchSize } = options;
  if (!(Number.isInteger(scenesPerEpoch) && scenesPerEpoch > 0)) throw new Error(`trainMultiTask: scenesPerEpoch must be a positive integer, got ${scenesPerEpoch}`);
  const numClasses = model.detector.detector.bboxHead.numClasses;
  const rawTrainCfg = (model.config.head as { detector?: Record<string, unknown> }).detector?.train_cfg;
  const trainCfg = parseFasterRcnnTrainConfig(rawTrainCfg ?? {});
  const schedule = { baseLr: options.learningRate, warmupIters: options.warmupIters ?? 200, warmupRatio: 0.001, steps: options.steps ?? [], gamma: options.gamma ?? 0.1 };
  const stepsPerEpoch = Math.ceil(scenesPerEpoch / batchSize);
  const optimizer = options.optimizer ?? new Adam(options.learningRate);
  let random = createRandom(1);
  let last: MultiTaskLosses = { lossRpnCls: 0, lossRpnBbox: 0, lossCls: 0, lossBbox: 0, lossSeg: 0 };
  const settings = { trainCfg, segWeight: options.segWeight };
  let parallel: DataParallel<MultiTaskSample[]> | undefined;
  try {
    if ((options.workers ?? 1) > 1) {
      parallel = await startDataParallel<MultiTaskSample[]>({
        workers: options.workers!,
        model,
        optimizer,
        replica: { url: siblingModuleUrl(import.meta.url, './multi-task-replica.ts', './multi-task-replica.js'), options: multiTaskReplicaOptions(model, settings) },
        size: (batch) => batch.length,
        split: (batch, start, end) => batch.slice(start, end),
        seed: seedBase,
      });
    }
    return await fit<MultiTaskSample[]>({
      model,
      optimizer,
      epochs,
      startEpoch: options.startEpoch,
      learningRate: (epoch, step) => stepLrWithWarmup(schedule, epoch, epoch * stepsPerEpoch + step),
      batches: function* (epoch) {
        // Per-epoch generators: the same epoch always yields the same scenes, flips and samples.
        random = createRandom(Math.imul(seedBase + 1, 0x9e3779b1) + epoch);
        const first = seedBase + epoch * scenesPerEpoch;
        for (let b = 0; b < scenesPerEpoch; b += batchSize) {
          const batch: MultiTaskSample[] = [];
          for (let i = b; i < Math.min(b + batchSize, scenesPerEpoch); i++) {
            const scene = generateScene(first + i, { ...options.scene, imageId: i + 1 });
            if (scene.annotations.length > 0) batch.push(multiTaskSample(scene, options.pipeline, numClasses, random));
          }
          if (batch.length > 0) yield batch;
        }
      },
      loss: (batch) => {
        const { total, terms } = multiTaskBatchLoss(model, batch, settings, random);
        last = terms;
        return total;
      },
      step:
        parallel &&
        (async (batch, epoch, step) => {
          const { loss, metrics } = await parallel!.step(batch, { epoch, step });
          last = metrics as MultiTaskLosses;
          return loss;
        }),
      batchSize: (batch) => batch.length,
      onProgress: options.onProgress && ((p) => options.onProgress?.({ ...p, losses: last })),
      onEpochEnd: options.onEpochEnd,
    });
  } finally {
    await parallel?.close();
    if (!options.optimizer) optimizer.dispose();
  }
}
