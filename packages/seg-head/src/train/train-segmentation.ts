import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, fit, type FitProgress, polyLr, type RgbImage, SGD, setBatchNormMomentum } from '@hrnetjs/core';
import { concatArrays, createRandom, shuffledIndices } from '@hrnetjs/core/ops';
import type { SegNetwork } from '../seg-network.js';
import { augmentSegSample, type SegAugmentOptions } from './augment.js';
import { balancedSegLoss, defaultBalanceWeights } from './balanced-loss.js';

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
  const lossOptions = { ignoreLabel: augment.ignoreLabel, classWeights: options.classWeights, alignCorners: model.config.backbone.alignCorners, ohem: options.ohem };
  const balanceWeights = options.balanceWeights ?? defaultBalanceWeights(model.config);
  // HRNet-OCR trains both outputs, [aux, main] in the official order; HRNetV2 has one.
  const outputNames = model.config.head.type === 'seg' && model.config.head.ocr ? ['aux', 'logits'] : ['logits'];
  if (balanceWeights.length !== outputNames.length) {
    throw new Error(`balanceWeights has ${balanceWeights.length} weight(s) but the model trains ${outputNames.length} output(s) (${outputNames.join(', ')})`);
  }
  const [cropH, cropW] = augment.cropSize;
  try {
    return await fit({
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
      loss: (batch) => {
        const x = tf.tensor4d(concatArrays(batch.map((s) => s.image), (n) => new Float32Array(n)), [batch.length, cropH, cropW, 3]);
        const y = tf.tensor3d(concatArrays(batch.map((s) => s.labels), (n) => new Int32Array(n)), [batch.length, cropH, cropW], 'int32');
        const named = model.forwardNamed(x);
        return balancedSegLoss(outputNames.map((n) => named[n] as tf.Tensor4D), y, balanceWeights, lossOptions);
      },
      onProgress: options.onProgress,
      onEpochEnd: options.onEpochEnd,
    });
  } finally {
    optimizer.dispose();
  }
}
