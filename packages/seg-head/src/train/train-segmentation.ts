import { enableTraining, fit, type FitProgress, polyLr, type RgbImage, setBatchNormMomentum, SGD } from '@hrnetjs/core';
import { createRandom, type DataParallel, shuffledIndices, siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import { defaultBalanceWeights } from './balanced-loss.js';
import type { SegNetwork } from '../seg-network.js';
import { augmentSegSample, type SegAugmentOptions, type SegTrainSample } from './augment.js';
import { segBatchLoss, type SegLossSettings, type SegReplicaOptions, trainedOutputs } from './seg-replica.js';

/** An annotated image: RGB pixels and one class id per pixel (row-major, ignoreLabel = unlabelled). */
export interface SegExample {
  image: RgbImage;
  labels: ArrayLike<number>;
}

/** Options of {@link trainSegmentation} (official yaml defaults). */
export interface TrainSegmentationOptions extends Partial<SegAugmentOptions> {
  epochs: number;
  batchSize?: number;
  /** SGD base lr (poly schedule, power 0.9), momentum 0.9, weight decay 5e-4 as the official yaml. */
  learningRate?: number;
  momentum?: number;
  weightDecay?: number;
  /** OHEM cross entropy (LOSS.USE_OHEM) with its thresh / min_kept. */
  ohem?: { thresh?: number; minKept?: number };
  classWeights?: number[];
  /**
   * BatchNorm running-stat momentum: 0.01 as BN_MOMENTUM in the official seg code's master and
   * pytorch-v1.1 lines (the HRNet-OCR line uses 0.1).
   */
  bnMomentum?: number;
  /** LOSS.BALANCE_WEIGHTS, one per output ([aux, main] for HRNet-OCR); default: the yaml's, else [0.4, 1] / [1]. */
  balanceWeights?: number[];
  seed?: number;
  /**
   * Worker threads sharing each batch (Node only; default 1 = this thread). BN normalises each
   * share with its own statistics and OHEM / ignored pixels are counted per share (as PyTorch DDP).
   */
  workers?: number;
  onProgress?: (p: FitProgress) => void;
  onEpochEnd?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/**
 * Trains a SegModel or OcrSegModel as the official train script does: augmented crops, (OHEM) cross
 * entropy with ignore label and class weights over each output weighted by LOSS.BALANCE_WEIGHTS, SGD with the poly schedule. Runs on any backend, wasm
 * included. Returns the mean loss per epoch.
 */
export async function trainSegmentation(model: SegNetwork, data: SegExample[], options: TrainSegmentationOptions): Promise<number[]> {
  await enableTraining();
  const batchSize = options.batchSize ?? 2;
  const augment: SegAugmentOptions = {
    baseSize: options.baseSize ?? Math.max(...data.map((d) => Math.max(d.image.width, d.image.height))),
    cropSize: options.cropSize ?? [data[0].image.height, data[0].image.width],
    scaleFactor: options.scaleFactor ?? 16,
    flip: options.flip ?? true,
    ignoreLabel: options.ignoreLabel ?? 255,
    mean: options.mean ?? model.config.input.mean,
    std: options.std ?? model.config.input.std,
  };
  const random = createRandom(options.seed ?? 1);
  const stepsPerEpoch = Math.ceil(data.length / batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const baseLr = options.learningRate ?? 0.01;
  setBatchNormMomentum(model, options.bnMomentum ?? 0.01);
  const optimizer = new SGD(baseLr, { momentum: options.momentum ?? 0.9, weightDecay: options.weightDecay ?? 5e-4 });
  const balanceWeights = options.balanceWeights ?? defaultBalanceWeights(model.config);
  const settings: SegLossSettings = { cropSize: augment.cropSize, ignoreLabel: augment.ignoreLabel, classWeights: options.classWeights, ohem: options.ohem, balanceWeights };
  // HRNet-OCR trains both outputs, [aux, main] in the official order; HRNetV2 has one.
  const outputNames = trainedOutputs(model);
  if (balanceWeights.length !== outputNames.length) {
    throw new Error(`balanceWeights has ${balanceWeights.length} weight(s) but the model trains ${outputNames.length} output(s) (${outputNames.join(', ')})`);
  }
  let parallel: DataParallel<SegTrainSample[]> | undefined;
  try {
    if ((options.workers ?? 1) > 1) {
      const replica: SegReplicaOptions = { ...settings, config: model.config };
      parallel = await startDataParallel<SegTrainSample[]>({
        workers: options.workers!,
        model,
        optimizer,
        replica: { url: siblingModuleUrl(import.meta.url, './seg-replica.ts', './train-replica.js'), options: replica },
        size: (batch) => batch.length,
        split: (batch, start, end) => batch.slice(start, end),
        seed: options.seed ?? 1,
      });
    }
    return await fit<SegTrainSample[]>({
      model,
      optimizer,
      epochs: options.epochs,
      learningRate: (epoch, step) => polyLr(baseLr, epoch * stepsPerEpoch + step, totalSteps),
      batches: () => {
        const order = shuffledIndices(data.length, random);
        const batches = [];
        for (let b = 0; b < order.length; b += batchSize) {
          batches.push(order.slice(b, b + batchSize).map((i) => augmentSegSample(data[i].image, data[i].labels, augment, random)));
        }
        return batches;
      },
      loss: (batch) => segBatchLoss(model, batch, settings),
      step: parallel && (async (batch, epoch, step) => (await parallel!.step(batch, { epoch, step })).loss),
      batchSize: (batch) => batch.length,
      onProgress: options.onProgress,
      onEpochEnd: options.onEpochEnd,
    });
  } finally {
    await parallel?.close();
    optimizer.dispose();
  }
}
