import * as tf from '@tensorflow/tfjs-core';
import { BLOCK_EXPANSION } from '../config/parse-stage.js';
import type { BlockType } from '../config/types.js';
import { ConvBn } from '../nn/conv-bn.js';
import { BatchNorm2d, Conv2d, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';

/** BatchNorm flavour of a block (see BackboneConfig.batchNorm). */
export type BatchNormMode = 'standard' | 'inplace-abn';

/** A residual block as in the official code: `BasicBlock` (expansion 1) or `Bottleneck` (4). */
export interface ResidualBlock extends Module {
  forward(x: tf.Tensor4D): tf.Tensor4D;
  emitOnnx(g: OnnxGraph, x: string): string;
}

/** `downsample = Sequential(conv1x1(stride), BN)`, keys `downsample.0.weight`, `downsample.1.*`. */
function makeDownsample(inC: number, outC: number, stride: number, bn: BatchNormMode): ConvBn {
  return new ConvBn(inC, outC, { kernelSize: 1, stride, batchNorm: bn });
}

function residual(out: tf.Tensor4D, x: tf.Tensor4D, downsample: ConvBn | null): tf.Tensor4D {
  return tf.relu(tf.add(out, downsample ? downsample.forward(x) : x)) as tf.Tensor4D;
}

/** ONNX twin of `residual` (Add + Relu: ORT fuses them into the conv before). */
function residualOnnx(g: OnnxGraph, out: string, x: string, downsample: ConvBn | null): string {
  return g.node('Relu', [g.node('Add', [out, downsample ? downsample.emitOnnx(g, x) : x])]);
}

/** conv3x3-BN-ReLU-conv3x3-BN + identity → ReLU. */
export class BasicBlock extends Module implements ResidualBlock {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: ConvBn | null;

  constructor(inC: number, planes: number, stride: number, downsample: ConvBn | null, bn: BatchNormMode) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(inC, planes, 3, { stride }));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes, bn));
    this.conv2 = this.child('conv2', new Conv2d(planes, planes, 3));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes, bn));
    this.downsample = this.child('downsample', downsample);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const out = this.conv2.run(this.conv1.run(x, this.bn1, true), this.bn2, false);
    return residual(out, x, this.downsample);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    const out = this.conv2.emitOnnx(g, this.conv1.emitOnnx(g, x, this.bn1, true), this.bn2, false);
    return residualOnnx(g, out, x, this.downsample);
  }
}

/** conv1x1-BN-ReLU-conv3x3-BN-ReLU-conv1x1(×4)-BN + identity → ReLU. */
export class Bottleneck extends Module implements ResidualBlock {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly downsample: ConvBn | null;

  constructor(inC: number, planes: number, stride: number, downsample: ConvBn | null, bn: BatchNormMode) {
    super();
    const out = planes * BLOCK_EXPANSION.BOTTLENECK;
    this.conv1 = this.child('conv1', new Conv2d(inC, planes, 1));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes, bn));
    this.conv2 = this.child('conv2', new Conv2d(planes, planes, 3, { stride }));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes, bn));
    this.conv3 = this.child('conv3', new Conv2d(planes, out, 1));
    this.bn3 = this.child('bn3', new BatchNorm2d(out, bn));
    this.downsample = this.child('downsample', downsample);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    let out = this.conv1.run(x, this.bn1, true);
    out = this.conv2.run(out, this.bn2, true);
    out = this.conv3.run(out, this.bn3, false);
    return residual(out, x, this.downsample);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    let out = this.conv1.emitOnnx(g, x, this.bn1, true);
    out = this.conv2.emitOnnx(g, out, this.bn2, true);
    out = this.conv3.emitOnnx(g, out, this.bn3, false);
    return residualOnnx(g, out, x, this.downsample);
  }
}

/** A run of blocks: `Sequential(block0, block1, …)`, keys `{k}.conv1.weight` … */
export class BlockSequence extends Sequential<ResidualBlock> {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.items.reduce((y, block) => block.forward(y), x);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.items.reduce((y, block) => block.emitOnnx(g, y), x);
  }
}

/**
 * The official `_make_layer` / `_make_one_branch`: `numBlocks` blocks of `planes`; block 0 gets a
 * downsample when the stride or the channel count changes. Returns the blocks and their output width.
 */
export function makeBlocks(
  block: BlockType,
  inChannels: number,
  planes: number,
  numBlocks: number,
  bn: BatchNormMode,
  stride = 1,
): { layer: BlockSequence; outChannels: number } {
  const outChannels = planes * BLOCK_EXPANSION[block];
  const Block = block === 'BASIC' ? BasicBlock : Bottleneck;
  const blocks: ResidualBlock[] = [];
  const downsample = stride !== 1 || inChannels !== outChannels ? makeDownsample(inChannels, outChannels, stride, bn) : null;
  blocks.push(new Block(inChannels, planes, stride, downsample, bn));
  for (let i = 1; i < numBlocks; i++) blocks.push(new Block(outChannels, planes, 1, null, bn));
  return { layer: new BlockSequence(blocks), outChannels };
}
