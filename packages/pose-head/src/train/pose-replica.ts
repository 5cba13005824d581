/**
 * The pose training step that data-parallel workers run: a PoseModel rebuilt from its config and
 * the JointsMSELoss (or OHKM) of a batch of prepared crops. `trainPose` computes its loss with the
 * same {@link poseBatchLoss}, so one worker and N workers run the same code.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { concatArrays, type TrainReplica } from '@hrnetjs/core/ops';
import { PoseModel } from '../pose-model.js';
import type { generateTarget } from './heatmap-target.js';
import { jointsMseLoss, jointsOhkmMseLoss } from './joints-mse-loss.js';

/** Normalised crops (NHWC, row-major) and their heatmap targets. */
export interface PoseBatch {
  input: Float32Array;
  targets: Array<ReturnType<typeof generateTarget>>;
}

/** Input and heatmap sizes [w, h] of a pose config (official defaults 192×256, ¼ of the input). */
export function poseTrainSizes(config: ModelConfig): { inputSize: [number, number]; heatmapSize: [number, number] } {
  const inputSize = (config.input.imageSize ?? [192, 256]) as [number, number];
  const heatmapSize = (config.input.heatmapSize ?? [inputSize[0] / 4, inputSize[1] / 4]) as [number, number];
  return { inputSize, heatmapSize };
}

/** The loss of one batch (inside the gradient tape). */
export function poseBatchLoss(model: PoseModel, { input, targets }: PoseBatch, ohkm?: { topK?: number }): tf.Scalar {
  const { inputSize: [w, h], heatmapSize: [hw, hh] } = poseTrainSizes(model.config);
  const joints = (model.config.head as { numJoints: number }).numJoints;
  const n = targets.length;
  const x = tf.tensor4d(input, [n, h, w, 3]);
  // Targets are [J, H, W] per sample; the network's heatmaps are NHWC.
  const target = tf.transpose(tf.tensor4d(concatArrays(targets.map((t) => t.target), (n) => new Float32Array(n)), [n, joints, hh, hw]), [0, 2, 3, 1]) as tf.Tensor4D;
  const weight = tf.tensor2d(concatArrays(targets.map((t) => t.targetWeight), (n) => new Float32Array(n)), [n, joints]);
  const heatmaps = model.forwardNamed(x).heatmaps as tf.Tensor4D;
  return ohkm ? jointsOhkmMseLoss(heatmaps, target, weight, ohkm.topK) : jointsMseLoss(heatmaps, target, weight);
}

/** Examples [start, end) of a batch (copies, so only they travel to a worker). */
export function slicePoseBatch({ input, targets }: PoseBatch, start: number, end: number): PoseBatch {
  const per = input.length / targets.length;
  return { input: input.slice(start * per, end * per), targets: targets.slice(start, end) };
}

export interface PoseReplicaOptions {
  config: ModelConfig;
  ohkm?: { topK?: number };
}

/** Worker side of data-parallel `trainPose` (loaded by URL, see `siblingModuleUrl`; BN modes follow the coordinator's model). */
export function createTrainReplica(options: PoseReplicaOptions): TrainReplica<PoseBatch> {
  const model = new PoseModel(options.config);
  return { model, loss: (batch) => poseBatchLoss(model, batch, options.ohkm) };
}
