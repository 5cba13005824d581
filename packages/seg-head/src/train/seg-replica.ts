/**
 * The segmentation training step: (OHEM) cross entropy of a batch of augmented crops. Used by
 * `trainSegmentation` in its own thread and by data-parallel workers on their shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatArrays, type ModelConfig, type TrainReplica } from '@hrnetjs/core';
import { SegModel } from '../seg-model.js';
import type { SegTrainSample } from './augment.js';
import { crossEntropyLoss, ohemCrossEntropyLoss } from './cross-entropy.js';

export interface SegLossSettings {
  /** [height, width] of every crop. */
  cropSize: [number, number];
  ignoreLabel: number;
  classWeights?: number[];
  ohem?: { thresh?: number; minKept?: number };
}

/** Mean loss of a batch of crops (inside the gradient tape). */
export function segBatchLoss(model: SegModel, batch: SegTrainSample[], settings: SegLossSettings): tf.Scalar {
  const [cropH, cropW] = settings.cropSize;
  const x = tf.tensor4d(concatArrays(batch.map((s) => s.image), (n) => new Float32Array(n)), [batch.length, cropH, cropW, 3]);
  const y = tf.tensor3d(concatArrays(batch.map((s) => s.labels), (n) => new Int32Array(n)), [batch.length, cropH, cropW], 'int32');
  const logits = model.forwardNamed(x).logits as tf.Tensor4D;
  const lossOptions = { ignoreLabel: settings.ignoreLabel, classWeights: settings.classWeights, alignCorners: model.config.backbone.alignCorners };
  return settings.ohem ? ohemCrossEntropyLoss(logits, y, { ...lossOptions, ...settings.ohem }) : crossEntropyLoss(logits, y, lossOptions);
}

export interface SegReplicaOptions extends SegLossSettings {
  config: ModelConfig;
}

/** Worker side of data-parallel `trainSegmentation`. */
export function createTrainReplica(options: SegReplicaOptions): TrainReplica<SegTrainSample[]> {
  const model = new SegModel(options.config);
  return { model, loss: (batch) => segBatchLoss(model, batch, options) };
}
