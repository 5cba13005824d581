/**
 * The Faster R-CNN training step (mmdet's four losses of one batch). Used by `trainDetector` in its
 * own thread and by data-parallel workers on their shares, each with its own sampler stream.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { createRandom, shardSeed, type TrainReplica } from '@hrnetjs/core/ops';
import { createTwoStageDetector } from '../two-stage.js';
import { detectorForwardTrain, type TrainableDetector } from './detector-loss.js';
import type { TwoStageTrainConfig } from './train-config.js';
import { collateSamples, type DetectionTrainSample } from './train-pipeline.js';

/**
 * The loss terms of one step, read on the host (`lossMask`: models with a mask head). Cascades add
 * mmdet's per-stage entries under their mmdet names (`s0.loss_cls`, `s0.acc`, `s0.loss_bbox`,
 * `s0.loss_mask`, `s1.loss_cls`, …; losses times the stage weight), and `lossCls` / `lossBbox` /
 * `lossMask` are the sums over the stages.
 */
export type DetectorLossValues = { lossRpnCls: number; lossRpnBbox: number; lossCls: number; lossBbox: number; lossMask?: number } & {
  [stageTerm: `s${number}.${string}`]: number;
};

/** Total loss of a batch (inside the gradient tape) and its terms; `random` drives the RPN / RoI samplers. */
export function detectorBatchLoss(
  model: TrainableDetector,
  batch: DetectionTrainSample[],
  trainCfg: TwoStageTrainConfig,
  random: () => number,
): { total: tf.Scalar; terms: DetectorLossValues } {
  const { data, shape } = collateSamples(batch);
  const losses = detectorForwardTrain(model, tf.tensor4d(data, shape), batch, trainCfg, random);
  const read = (t: tf.Scalar) => t.dataSync()[0];
  const terms: DetectorLossValues = { lossRpnCls: read(losses.lossRpnCls), lossRpnBbox: read(losses.lossRpnBbox), lossCls: read(losses.lossCls), lossBbox: read(losses.lossBbox) };
  if (losses.lossMask) terms.lossMask = read(losses.lossMask);
  for (const [name, value] of Object.entries(losses.stages ?? {})) terms[name as `s${number}.${string}`] = read(value);
  return { total: losses.total, terms };
}

export interface DetectorReplicaOptions {
  config: ModelConfig;
  trainCfg: TwoStageTrainConfig;
}

/** Worker side of data-parallel `trainDetector` (BN modes, e.g. norm_eval, follow the coordinator's model). */
export function createTrainReplica(options: DetectorReplicaOptions): TrainReplica<DetectionTrainSample[]> {
  // Faster / Mask / Cascade (Mask) R-CNN, as the coordinator's model (mask heads train when samples carry masks).
  const model = createTwoStageDetector(options.config) as TrainableDetector;
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
