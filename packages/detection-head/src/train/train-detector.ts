import { enableTraining, fit, type FitProgress, SGD } from '@hrnetjs/core';
import { createRandom, type DataParallel, shuffledIndices, siblingModuleUrl, startDataParallel } from '@hrnetjs/core/ops';
import type { TrainableDetector } from './detector-loss.js';
import { detectorBatchLoss, type DetectorLossValues, type DetectorReplicaOptions } from './detector-replica.js';
import { stepLrWithWarmup } from './lr-schedule.js';
import { freezeBatchNormStats } from './norm-eval.js';
import { parseDetectorLossConfig, parseDetectorTrainConfig, type TwoStageTrainConfig } from './train-config.js';
import {
  type DetectionExample,
  type DetectionTrainPipelineConfig,
  type DetectionTrainSample,
  MMDET_TRAIN_PIPELINE,
  prepareTrainSample,
  validGroundTruth,
} from './train-pipeline.js';

/** Progress after every step: the total and mmdet's loss terms of that step. */
export interface DetectorTrainProgress extends FitProgress {
  /** The step's terms; for cascades also mmdet's per-stage `s{i}.loss_cls`, `s{i}.acc`, `s{i}.loss_bbox`, `s{i}.loss_mask`. */
  losses: DetectorLossValues;
  /** Mask R-CNN's `loss_mask` of that step (models with a mask head, trained on examples with masks). */
  lossMask?: number;
}

export interface TrainDetectorOptions {
  epochs: number;
  /** Images per step (mmdet's samples_per_gpu × GPUs; 2 per GPU in the configs). */
  batchSize?: number;
  /** SGD base lr; default mmdet's linear scaling 0.02 × batchSize / 16. */
  learningRate?: number;
  momentum?: number;
  weightDecay?: number;
  /** Linear warmup (schedule_1x: 500 iterations from 0.001 × lr). */
  warmupIters?: number;
  warmupRatio?: number;
  /** Epochs where the lr drops by `gamma` (schedule_1x: [8, 11], 0.1). */
  steps?: number[];
  gamma?: number;
  /** Train pipeline; default mmdet's (1333×800 keep-ratio, flip 0.5, ImageNet mean/std, pad 32). */
  pipeline?: Partial<DetectionTrainPipelineConfig>;
  /**
   * `train_cfg`; default the model dict's (`parseDetectorTrainConfig`: its `train_cfg`, the heads'
   * losses and, for cascades, `stage_loss_weights`; missing parts from mmdet's faster_rcnn_r50_fpn
   * or cascade_rcnn_r50_fpn). A Cascade R-CNN needs a `CascadeRcnnTrainConfig` (one `rcnn` entry
   * per stage). Without `losses`, the model dict's losses are used.
   */
  trainCfg?: TwoStageTrainConfig;
  /** Backbone BN on running statistics (mmdet HRNet's norm_eval, default true). */
  normEval?: boolean;
  /** First epoch to run (resuming: weights and optimizer state are the caller's). */
  startEpoch?: number;
  seed?: number;
  /**
   * Worker threads sharing each batch (Node only; default 1 = this thread). Each share's RPN / RoI
   * samplers draw from a stream seeded by (seed, epoch, step, worker); losses are per-share means
   * averaged over the shares, as mmdet's multi-GPU training.
   */
  workers?: number;
  onProgress?: (progress: DetectorTrainProgress) => void;
  onEpochEnd?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/**
 * Trains a two-stage detector — Faster / Mask R-CNN or Cascade (Mask) R-CNN — with mmdet 2.x
 * semantics: the train pipeline per image and epoch (seeded flips and shuffling), RPN sigmoid CE +
 * L1 / SmoothL1 on sampled anchors, proposals without gradient, R-CNN softmax CE + L1 / SmoothL1
 * on sampled proposals and gt (a cascade: every stage on the previous stage's refined boxes, its
 * losses times its stage weight), mask BCE on the positives when the examples carry masks, SGD
 * (momentum, weight decay) with linear warmup and step decay. Runs on any backend, wasm included.
 * Images without a valid box are skipped (mmdet's filter_empty_gt). Returns the mean loss of
 * every epoch.
 */
export async function trainDetector(model: TrainableDetector, examples: DetectionExample[], options: TrainDetectorOptions): Promise<number[]> {
  await enableTraining();
  if (!(options.epochs > 0)) throw new Error(`trainDetector: epochs must be a positive number, got ${options.epochs}`);
  const numClasses = model.detector.bboxHead.numClasses;
  const annotated = examples.map((e, i) => ({ image: e.image, gt: validGroundTruth(e, numClasses, i) })).filter((e) => e.gt.labels.length > 0);
  if (annotated.length === 0) throw new Error('trainDetector: no example has a valid box (width and height ≥ 1 inside the image)');
  const batchSize = options.batchSize ?? 2;
  const pipeline: DetectionTrainPipelineConfig = { ...MMDET_TRAIN_PIPELINE, ...options.pipeline };
  const detectorDict = (model.config.head as { detector?: Record<string, unknown> }).detector;
  if (!detectorDict) throw new Error(`trainDetector: config '${model.config.name}' has no mmdet detector dict`);
  const trainCfg: TwoStageTrainConfig = options.trainCfg
    ? { ...options.trainCfg, losses: options.trainCfg.losses ?? parseDetectorLossConfig(detectorDict) }
    : parseDetectorTrainConfig(detectorDict);
  const schedule = {
    baseLr: options.learningRate ?? (0.02 * batchSize) / 16,
    warmupIters: options.warmupIters ?? 500,
    warmupRatio: options.warmupRatio ?? 0.001,
    steps: options.steps ?? [8, 11],
    gamma: options.gamma ?? 0.1,
  };
  const random = createRandom(options.seed ?? 1);
  const stepsPerEpoch = Math.ceil(annotated.length / batchSize);
  const optimizer = new SGD(schedule.baseLr, { momentum: options.momentum ?? 0.9, weightDecay: options.weightDecay ?? 1e-4 });
  const restoreBn = (options.normEval ?? true) ? freezeBatchNormStats(model.features.backbone) : () => {};
  let last: DetectorLossValues = { lossRpnCls: 0, lossRpnBbox: 0, lossCls: 0, lossBbox: 0 };
  let parallel: DataParallel<DetectionTrainSample[]> | undefined;
  try {
    if ((options.workers ?? 1) > 1) {
      const replica: DetectorReplicaOptions = { config: model.config, trainCfg };
      parallel = await startDataParallel<DetectionTrainSample[]>({
        workers: options.workers!,
        model,
        optimizer,
        replica: { url: siblingModuleUrl(import.meta.url, './detector-replica.ts', './train-replica.js'), options: replica },
        size: (batch) => batch.length,
        split: (batch, start, end) => batch.slice(start, end),
        seed: options.seed ?? 1,
      });
    }
    return await fit<DetectionTrainSample[]>({
      model,
      optimizer,
      epochs: options.epochs,
      startEpoch: options.startEpoch,
      learningRate: (epoch, step) => stepLrWithWarmup(schedule, epoch, epoch * stepsPerEpoch + step),
      batches: () => {
        const order = shuffledIndices(annotated.length, random);
        const batches: DetectionTrainSample[][] = [];
        for (let b = 0; b < order.length; b += batchSize) {
          batches.push(order.slice(b, b + batchSize).map((i) => prepareTrainSample(annotated[i].image, annotated[i].gt, pipeline, random)));
        }
        return batches;
      },
      loss: (batch) => {
        const { total, terms } = detectorBatchLoss(model, batch, trainCfg, random);
        last = terms;
        return total;
      },
      step:
        parallel &&
        (async (batch, epoch, step) => {
          const { loss, metrics } = await parallel!.step(batch, { epoch, step });
          last = metrics as DetectorLossValues;
          return loss;
        }),
      batchSize: (batch) => batch.length,
      onProgress: options.onProgress && ((p) => options.onProgress?.({ ...p, losses: last, ...(last.lossMask === undefined ? {} : { lossMask: last.lossMask }) })),
      onEpochEnd: options.onEpochEnd,
    });
  } finally {
    await parallel?.close();
    restoreBn();
    optimizer.dispose();
  }
}
