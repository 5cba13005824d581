import * as tf from '@tensorflow/tfjs-core';
import { type BlockSequence, makeBlocks } from '../backbone/blocks.js';
import { ConvBn } from '../nn/conv-bn.js';
import { Linear, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';

/** Bottleneck planes of `incre_modules` (official `head_channels`). */
const HEAD_CHANNELS = [32, 64, 128, 256];

/**
 * The ImageNet head of cls_hrnet.py: one Bottleneck per branch (`incre_modules`),
 * stride-2 convs merging high → low resolution (`downsamp_modules`), a 1×1 conv to 2048
 * (`final_layer`), global average pooling and `classifier`. Keys are mounted at the model root.
 */
export class ClsHead extends Module {
  readonly increModules: Sequential<BlockSequence>;
  readonly downsampModules: Sequential<ConvBn>;
  readonly finalLayer: ConvBn;
  readonly classifier: Linear;

  constructor(branchChannels: number[], numClasses: number, batchNorm: 'standard' | 'inplace-abn' = 'standard') {
    super();
    if (branchChannels.length !== HEAD_CHANNELS.length) {
      throw new Error(`the classification head needs 4 backbone branches, got ${branchChannels.length}`);
    }
    const incre = branchChannels.map((c, i) => makeBlocks('BOTTLENECK', c, HEAD_CHANNELS[i], 1, batchNorm).layer);
    this.increModules = this.child('incre_modules', new Sequential(incre));
    const widths = HEAD_CHANNELS.map((c) => c * 4);
    const downsamp = widths
      .slice(0, -1)
      .map((c, i) => new ConvBn(c, widths[i + 1], { kernelSize: 3, stride: 2, bias: true, relu: true, batchNorm }));
    this.downsampModules = this.child('downsamp_modules', new Sequential(downsamp));
    this.finalLayer = this.child('final_layer', new ConvBn(widths[3], 2048, { kernelSize: 1, bias: true, relu: true, batchNorm }));
    this.classifier = this.child('classifier', new Linear(2048, numClasses));
  }

  /** Branch features (NHWC) → logits [N, numClasses]. */
  forward(branches: tf.Tensor4D[]): tf.Tensor2D {
    let y = this.increModules.items[0].forward(branches[0]);
    this.downsampModules.items.forEach((down, i) => {
      y = tf.add(this.increModules.items[i + 1].forward(branches[i + 1]), down.forward(y));
    });
    const pooled = tf.mean(this.finalLayer.forward(y), [1, 2]) as tf.Tensor2D;
    return this.classifier.run(pooled);
  }

  /** ONNX twin of {@link forward}: NCHW branch values → logits [N, numClasses]. */
  emitOnnx(g: OnnxGraph, branches: string[]): string {
    let y = this.increModules.items[0].emitOnnx(g, branches[0]);
    this.downsampModules.items.forEach((down, i) => {
      y = g.node('Add', [this.increModules.items[i + 1].emitOnnx(g, branches[i + 1]), down.emitOnnx(g, y)]);
    });
    const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [this.finalLayer.emitOnnx(g, y)])], { axis: 1 });
    return this.classifier.emitOnnx(g, pooled);
  }
}

