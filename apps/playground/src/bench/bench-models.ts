import * as tf from '@tensorflow/tfjs-core';
import { getPreset, type TaskModel } from '@hrnetjs/core';
import { Conv2d } from '@hrnetjs/core/ops';
import { FasterRCNN } from '@hrnetjs/detection-head';
import { PoseModel } from '@hrnetjs/pose-head';
import { SegModel } from '@hrnetjs/seg-head';

/** The networks `pnpm bench` measures (random weights: speed does not depend on values). */
export const BENCH_MODELS = {
  'pose-w32-256x192': { preset: 'pose-coco-w32-256x192', input: [256, 192] },
  'seg-w48-512x1024': { preset: 'seg-cityscapes-w48', input: [512, 1024] },
  'faster-rcnn-w32-800x1344': { preset: 'faster-rcnn-w32', input: [800, 1344] },
} as const;

export type BenchModelId = keyof typeof BENCH_MODELS;

export function createBenchModel(id: BenchModelId): TaskModel {
  const config = getPreset(BENCH_MODELS[id].preset);
  if (config.head.type === 'pose') return new PoseModel(config);
  if (config.head.type === 'seg') return new SegModel(config);
  return new FasterRCNN(config);
}

/**
 * The network part a pipeline runs per image, on TF.js: pose heatmaps, seg logits, and for Faster
 * R-CNN backbone + HRFPN + RPN convs (what the detector's first ONNX session holds). Downloads the
 * outputs so the timing includes the work.
 */
export async function tfjsForward(model: TaskModel, x: tf.Tensor4D): Promise<void> {
  let outputs: tf.Tensor[];
  if (model instanceof FasterRCNN) {
    const levels = model.neckLevels(x);
    const { clsScores, bboxPreds } = tf.tidy(() => model.rpnHead.forward(levels));
    outputs = [...levels, ...clsScores, ...bboxPreds];
  } else {
    outputs = Object.values(model.forwardNamed(x));
  }
  await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
}

/** Multiply-accumulates of the convs of one forward, from the shapes alone (no conv is computed). */
export async function countMacs(model: TaskModel, x: tf.Tensor4D): Promise<number> {
  let macs = 0;
  const original = Conv2d.prototype.run;
  Conv2d.prototype.run = function (this: Conv2d, input: tf.Tensor4D) {
    const [n, h, w] = input.shape;
    const size = (v: number) => Math.floor((v + 2 * this.padding - this.kernelSize) / this.stride) + 1;
    const [oh, ow] = [size(h), size(w)];
    macs += this.kernelSize * this.kernelSize * this.inChannels * this.outChannels * oh * ow * n;
    return tf.zeros([n, oh, ow, this.outChannels]) as tf.Tensor4D;
  };
  try {
    await tfjsForward(model, x);
  } finally {
    Conv2d.prototype.run = original;
  }
  return macs;
}
