/**
 * The segmentation training step: (OHEM) cross entropy of a batch of augmented crops. Used by
 * `trainSegmentation` in its own thread and by data-parallel workers on their shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { concatArrays, type TrainReplica } from '@hrnetjs/core/ops';
import { createSegModel, type SegNetwork } from '../seg-network.js';
import type { SegTrainSample } from './augment.js';
import { balancedSegLoss } from './balanced-loss.js';

export interface SegLossSettings {
  /** [height, width] of every crop. */
  cropSize: [number, number];
  ignoreLabel: number;
  classWeights?: number[];
  ohem?: { thresh?: number; minKept?: number };
  /** LOSS.BALANCE_WEIGHTS, one per trained output ([aux, main] for HRNet-OCR, [main] for HRNetV2). */
  balanceWeights: number[];
}

/** The outputs a seg model trains, in the official order: HRNet-OCR [aux, main], HRNetV2 [main]. */
export function trainedOutputs(model: SegNetwork): string[] {
  return model.config.head.type === 'seg' && model.config.head.ocr ? ['aux', 'logits'] : ['logits'];
}

/** Balanced (OHEM) cross entropy of a batch of crops over the trained outputs (inside the gradient tape). */
export function segBatchLoss(model: SegNetwork, batch: SegTrainSample[], settings: SegLossSettings): tf.Scalar {
  const [cropH, cropW] = settings.cropSize;
  const x = tf.tensor4d(concatArrays(batch.map((s) => s.image), (n) => new Float32Array(n)), [batch.length, cropH, cropW, 3]);
  const y = tf.tensor3d(concatArrays(batch.map((s) => s.labels), (n) => new Int32Array(n)), [batch.length, cropH, cropW], 'int32');
  const named = model.forwardNamed(x);
  const lossOptions = { ignoreLabel: settings.ignoreLabel, classWeights: settings.classWeights, alignCorners: model.config.backbone.alignCorners, ohem: settings.ohem };
  return balancedSegLoss(trainedOutputs(model).map((n) => named[n] as tf.Tensor4D), y, settings.balanceWeights, lossOptions);
}

export interface SegReplicaOptions extends SegLossSettings {
  config: ModelConfig;
}

/** Worker side of data-parallel `trainSegmentation`. */
export function createTrainReplica(options: SegReplicaOptions): TrainReplica<SegTrainSample[]> {
  const model = createSegModel(options.config);
  return { model, loss: (batch) => segBatchLoss(model, batch, options) };
}
