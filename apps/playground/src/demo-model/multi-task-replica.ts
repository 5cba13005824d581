/**
 * The multi-task training step (detector losses + weighted seg cross-entropy on one backbone pass)
 * that `trainMultiTask` runs in this thread, and that data-parallel workers run on their shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { createRandom, shardSeed, type TrainReplica } from '@hrnetjs/core/ops';
import type { FasterRcnnTrainConfig } from '@hrnetjs/detection-head';
import { collateSamples } from '@hrnetjs/detection-head/ops';
import { createMultiTask, type MultiTaskModel } from '../multitask/index.js';
import { IGNORE_LABEL, type MultiTaskSample } from './scene-targets.js';

export type MultiTaskLosses = { lossRpnCls: number; lossRpnBbox: number; lossCls: number; lossBbox: number; lossSeg: number };

export interface MultiTaskLossSettings {
  trainCfg: FasterRcnnTrainConfig;
  segWeight?: number;
}

/** Total loss of a batch (inside the gradient tape) and its terms; `random` drives the RPN / RoI samplers. */
export function multiTaskBatchLoss(model: MultiTaskModel, batch: MultiTaskSample[], settings: MultiTaskLossSettings, random: () => number): { total: tf.Scalar; terms: MultiTaskLosses } {
  const { data, shape } = collateSamples(batch);
  const [, H, W] = shape;
  const labels = new Int32Array(batch.length * H * W).fill(IGNORE_LABEL);
  batch.forEach((s, i) => {
    const [h, w] = s.shape;
    for (let y = 0; y < h; y++) labels.set(s.labels.subarray(y * w, (y + 1) * w), (i * H + y) * W);
  });
  const losses = model.trainLosses(tf.tensor4d(data, shape), batch, tf.tensor3d(labels, [batch.length, H, W], 'int32'), {
    trainCfg: settings.trainCfg,
    random,
    segWeight: settings.segWeight,
    ignoreLabel: IGNORE_LABEL,
  });
  const read = (t: tf.Scalar) => t.dataSync()[0];
  const terms = { lossRpnCls: read(losses.lossRpnCls), lossRpnBbox: read(losses.lossRpnBbox), lossCls: read(losses.lossCls), lossBbox: read(losses.lossBbox), lossSeg: read(losses.lossSeg) };
  return { total: losses.total, terms };
}

export interface MultiTaskReplicaOptions extends MultiTaskLossSettings {
  config: ModelConfig;
  heads: { numClasses: number; finalConvKernel: number };
}

/** The replica's architecture options of `model` (its weights come from the coordinator). */
export function multiTaskReplicaOptions(model: MultiTaskModel, settings: MultiTaskLossSettings): MultiTaskReplicaOptions {
  const classifier = model.lastLayer.classifier;
  return { ...settings, config: model.config, heads: { numClasses: classifier.outChannels, finalConvKernel: classifier.kernelSize } };
}

/** Worker side of data-parallel `trainMultiTask`: samplers seeded per (seed, epoch, step, worker). */
export function createTrainReplica(options: MultiTaskReplicaOptions): TrainReplica<MultiTaskSample[]> {
  const model = createMultiTask({ config: options.config, heads: options.heads });
  let last: MultiTaskLosses | undefined;
  return {
    model,
    loss: (shard, context) => {
      const { total, terms } = multiTaskBatchLoss(model, shard, options, createRandom(shardSeed(context)));
      last = terms;
      return total;
    },
    metrics: () => ({ ...last }),
  };
}
