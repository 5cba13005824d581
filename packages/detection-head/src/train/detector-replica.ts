/**
 * The Faster R-CNN training step (mmdet's four losses of one batch). Used by `trainDetector` in its
 * own thread and by data-parallel workers on their shares, each with its own sampler stream.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, type ModelConfig, shardSeed, type TrainReplica } from '@hrnetjs/core';
import { FasterRCNN } from '../faster-rcnn.js';
import { detectorForwardTrain } from './detector-loss.js';
import type { FasterRcnnTrainConfig } from './train-config.js';
import { collateSamples, type DetectionTrainSample } from './train-pipeline.js';

export type DetectorLosses = { lossRpnCls: number; lossRpnBbox: number; lossCls: number; lossBbox: number };

/** Total loss of a batch (inside the gradient tape) and its terms; `random` drives the RPN / RoI samplers. */
export function detectorBatchLoss(model: FasterRCNN, batch: DetectionTrainSample[], trainCfg: FasterRcnnTrainConfig, random: () => number): { total: tf.Scalar; terms: DetectorLosses } {
  const { data, shape } = collateSamples(batch);
  const losses = detectorForwardTrain(model, tf.tensor4d(data, shape), batch, trainCfg, random);
  const read = (t: tf.Scalar) => t.dataSync()[0];
  return { total: losses.total, terms: { lossRpnCls: read(losses.lossRpnCls), lossRpnBbox: read(losses.lossRpnBbox), lossCls: read(losses.lossCls), lossBbox: read(losses.lossBbox) } };
}

export interface DetectorReplicaOptions {
  config: ModelConfig;
  trainCfg: FasterRcnnTrainConfig;
}

/** Worker side of data-parallel `trainDetector` (BN modes, e.g. norm_eval, follow the coordinator's model). */
export function createTrainReplica(options: DetectorReplicaOptions): TrainReplica<DetectionTrainSample[]> {
  const model = new FasterRCNN(options.config);
  let last: DetectorLosses | undefined;
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
