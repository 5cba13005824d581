import type * as tf from '@tensorflow/tfjs-core';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { BatchNorm2d, Conv2d, Sequential, Stateless } from './layers.js';
import type { Module } from './module.js';

/** How a {@link ConvBn} unit is built. */
export interface ConvBnOptions {
  kernelSize: number;
  stride?: number;
  /** Conv bias (the cls head's downsamp / final layers have one). */
  bias?: boolean;
  /** Appends a ReLU (index 2, no keys). */
  relu?: boolean;
  /** What sits at index 2 when there is no ReLU (pose/cls fuse layers: nn.Upsample). */
  tail?: 'upsample';
  batchNorm?: 'standard' | 'inplace-abn';
}

/**
 * The official `nn.Sequential(conv, BatchNorm2d[, ReLU | Upsample])` unit: keys `.0.weight`,
 * `.1.*`. Runs as a single fused conv with the BN folded in.
 */
export class ConvBn extends Sequential<Module> {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly relu: boolean;

  constructor(inChannels: number, outChannels: number, options: ConvBnOptions) {
    const conv = new Conv2d(inChannels, outChannels, options.kernelSize, {
      stride: options.stride,
      bias: options.bias,
    });
    const bn = new BatchNorm2d(outChannels, options.batchNorm);
    const tail = options.relu ? [new Stateless('relu')] : options.tail ? [new Stateless(options.tail)] : [];
    super([conv, bn, ...tail]);
    this.conv = conv;
    this.bn = bn;
    this.relu = options.relu ?? false;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.conv.run(x, this.bn, this.relu);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.conv.emitOnnx(g, x, this.bn, this.relu);
  }
}
