import { Adam, enableTraining, fit, type FitProgress, multiStepLr } from '@hrnetjs/core';
import { createRandom, type DataParallel, shuffledIndices, siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import { normalizationTable, normalizeCrops } from '../crop.js';
import { datasetForJoints } from '../datasets.js';
import type { PoseModel } from '../pose-model.js';
import { generateTarget } from './heatmap-target.js';
import { jointsDatasetSample, type PoseAugmentOptions, type PoseExample } from './joints-dataset-sample.js';
import { type PoseBatch, type PoseReplicaOptions, poseBatchLoss, poseTrainSizes, slicePoseBatch } from './pose-replica.js';

/** Options of {@link trainPose} (official yaml TRAIN.* / DATASET.* defaults). */
export interface TrainPoseOptions extends Partial<Omit<PoseAugmentOptions, 'inputSize' | 'dataset'>> {
  epochs: number;
  batchSize?: number;
  /** Adam lr (TRAIN.LR 1e-3), dropped ×`lrFactor` at each of `lrSteps` epochs ([170, 200], 0.1). */
  learningRate?: number;
  lrSteps?: number[];
  lrFactor?: number;
  /** Gaussian sigma of the targets (MODEL.SIGMA: 2 for 256×192, 3 for 384×288). */
  sigma?: number;
  /** LOSS.USE_OHKM with its top-k (8). */
  ohkm?: { topK?: number };
  seed?: number;
  /** First epoch to run when resuming (pass the saved weights, and `optimizer` with its state). */
  startEpoch?: number;
  /** Optimizer to step (default: a new Adam at `learningRate`); the caller keeps and disposes it. */
  optimizer?: Adam;
  /**
   * Worker threads computing the gradients of each batch's shares (Node only; default 1 = this
   * thread, today's loop). N workers: deterministic for a seed and N; BN layers normalise each
   * share with its own statistics (as PyTorch DDP without SyncBN).
   */
  workers?: number;
  onProgress?: (p: FitProgress) => void;
  /** After every epoch: save a checkpoint here (`writeCheckpointFile(path, exportStateDict(model))`). */
  onEpochEnd?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/**
 * Trains a PoseModel as the official `train.py` does: augmented person crops (scale, rotation,
 * flip, half-body), Gaussian heatmap targets, JointsMSELoss with target weights (or OHKM), Adam
 * with the step schedule. Runs on wasm too (our conv filter gradient). `examples` may be a function
 * of the epoch (fresh data each epoch, e.g. generated scenes). Returns the mean loss per epoch.
 */
export async function trainPose(model: PoseModel, examples: PoseExample[] | ((epoch: number) => PoseExample[]), options: TrainPoseOptions): Promise<number[]> {
  await enableTraining();
  const head = model.config.head;
  if (head.type !== 'pose') throw new Error('trainPose needs a pose model');
  const { inputSize, heatmapSize } = poseTrainSizes(model.config);
  const dataset = datasetForJoints(head.numJoints);
  const isCoco = dataset.name === 'coco';
  const augment: PoseAugmentOptions = {
    inputSize,
    dataset,
    scaleFactor: options.scaleFactor ?? (isCoco ? 0.35 : 0.25),
    rotationFactor: options.rotationFactor ?? (isCoco ? 45 : 30),
    flip: options.flip ?? true,
    probHalfBody: options.probHalfBody ?? (isCoco ? 0.3 : 0),
    numJointsHalfBody: options.numJointsHalfBody ?? 8,
    upperBodyIds: options.upperBodyIds ?? (isCoco ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [7, 8, 9, 10, 11, 12, 13, 14, 15]),
  };
  const tables = normalizationTable(model.config.input.mean ?? [0.485, 0.456, 0.406], model.config.input.std ?? [0.229, 0.224, 0.225]);
  const sigma = options.sigma ?? (inputSize[1] >= 384 ? 3 : 2);
  const batchSize = options.batchSize ?? 4;
  const seed = options.seed ?? 1;
  const baseLr = options.learningRate ?? 1e-3;
  const optimizer = options.optimizer ?? new Adam(baseLr);
  let parallel: DataParallel<PoseBatch> | undefined;
  try {
    if ((options.workers ?? 1) > 1) {
      const replica: PoseReplicaOptions = { config: model.config, ohkm: options.ohkm };
      parallel = await startDataParallel<PoseBatch>({
        workers: options.workers!,
        model,
        optimizer,
        replica: { url: siblingModuleUrl(import.meta.url, './pose-replica.ts', './train-replica.js'), options: replica },
        size: (b) => b.targets.length,
        split: slicePoseBatch,
        seed,
      });
    }
    return await fit<PoseBatch>({
      model,
      optimizer,
      epochs: options.epochs,
      startEpoch: options.startEpoch,
      learningRate: (epoch) => multiStepLr(baseLr, options.lrSteps ?? [170, 200], options.lrFactor ?? 0.1, epoch),
      batches: (epoch) => {
        // One generator per epoch, so a run resumed at `startEpoch` sees the same crops as an uninterrupted one.
        const random = createRandom(Math.imul(seed, 0x9e3779b1) + epoch);
        const epochExamples = typeof examples === 'function' ? examples(epoch) : examples;
        const order = shuffledIndices(epochExamples.length, random);
        const batches: PoseBatch[] = [];
        for (let b = 0; b < order.length; b += batchSize) {
          const samples = order.slice(b, b + batchSize).map((i) => jointsDatasetSample(epochExamples[i], augment, random));
          const targets = samples.map((s) => generateTarget(s.joints, s.visibility, { imageSize: inputSize, heatmapSize, sigma }));
          batches.push({ input: normalizeCrops(samples.map((s) => s.crop), tables), targets });
        }
        return batches;
      },
      loss: (batch) => poseBatchLoss(model, batch, options.ohkm),
      step: parallel && (async (batch, epoch, step) => (await parallel!.step(batch, { epoch, step })).loss),
      batchSize: (batch) => batch.targets.length,
      onProgress: options.onProgress,
      onEpochEnd: options.onEpochEnd,
    });
  } finally {
    await parallel?.close();
    if (!options.optimizer) optimizer.dispose();
  }
}
