/**
 * The Faster R-CNN training step (mmdet's four losses of one batch). Used by `trainDetector` in its
 * own thread and by data-parallel workers on their shares, each with its own sampler stream.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { createRandom, shardSeed, type TrainReplica } from '@hrnetjs/core/ops';
import type { FasterRCNN } from '../faster-rcnn.js';
import { createTwoStageDetector } from '../two-stage.js';
import { detectorForwardTrain } from './detector-loss.js';
import type { FasterRcnnTrainConfig } from './train-config.js';
import { collateSamples, type DetectionTrainSample } from './train-pipeline.js';

/** The loss terms of one step, read on the host (`lossMask`: models with a mask head). */
export type DetectorLossValues = { lossRpnCls: number; lossRpnBbox: number; lossCls: number; lossBbox: number; lossMask?: number };

/** Total loss of a batch (inside the gradient tape) and its terms; `random` drives the RPN / RoI samplers. */
export function detectorBatchLoss(model: FasterRCNN, batch: DetectionTrainSample[], trainCfg: FasterRcnnTrainConfig, random: () => number): { total: tf.Scalar; terms: DetectorLossValues } {
  const { data, shape } = collateSamples(batch);
  const losses = detectorForwardTrain(model, tf.tensor4d(data, shape), batch, trainCfg, random);
  const read = (t: tf.Scalar) => t.dataSync()[0];
  const terms: DetectorLossValues = { lossRpnCls: read(losses.lossRpnCls), lossRpnBbox: read(losses.lossRpnBbox), lossCls: read(losses.lossCls), lossBbox: read(losses.lossBbox) };
  if (losses.lossMask) terms.lossMask = read(losses.lossMask);
  return { total: losses.total, terms };
}

export interface DetectorReplicaOptions {
  config: ModelConfig;
  trainCfg: FasterRcnnTrainConfig;
}

/** Worker side of data-parallel `trainDetector` (BN modes, e.g. norm_eval, follow the coordinator's model). */
export function createTrainReplica(options: DetectorReplicaOptions): TrainReplica<DetectionTrainSample[]> {
  // Faster or Mask R-CNN, as the coordinator's model (the mask head trains when samples carry masks).
  const model = createTwoStageDetector(options.config) as FasterRCNN; // cascade heads refuse training with a clear error
  let last: DetectorLossValues | undefined;
  return {
    model,
    loss: (batch, context) => {
      const { total, terms } = detectorBatchLoss(model, batch, options.trainCfg, createRandom(shardSeed(context)));
      last = terms;
      return total;
    },
    metrics: () => ({ ...last }),
  };
}
