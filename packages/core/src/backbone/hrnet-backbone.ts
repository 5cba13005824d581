import type * as tf from '@tensorflow/tfjs-core';
import type { BackboneConfig } from '../config/types.js';
import { BatchNorm2d, Conv2d, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { BLOCK_EXPANSION, branchOutputChannels } from '../config/parse-stage.js';
import { type BlockSequence, makeBlocks } from './blocks.js';
import { HighResolutionModule } from './high-resolution-module.js';
import { Transition } from './transition.js';

/** Named tensors a forward pass can expose, with the fixture names (`stem`, `layer1`, `stage2_out_0` …). */
export type Intermediates = Record<string, tf.Tensor4D>;

/** A stage: `Sequential(HighResolutionModule, …)`. */
class Stage extends Sequential<HighResolutionModule> {
  forward(x: tf.Tensor4D[]): tf.Tensor4D[] {
    return this.items.reduce((y, module) => module.forward(y), x);
  }

  emitOnnx(g: OnnxGraph, x: string[]): string[] {
    return this.items.reduce((y, module) => module.emitOnnx(g, y), x);
  }
}

/**
 * The HRNet backbone shared by every family: stem (two stride-2 3×3 convs), layer1, then
 * transition{k}/stage{k+1} pairs. Its keys are un-prefixed (`conv1.weight`, `stage2.0.…`); task
 * models mount it at their root (pose/seg/cls) or under `backbone.` (mmdet).
 * Input and outputs are NHWC float32.
 */
export class HRNetBackbone extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly layer1: BlockSequence;
  private readonly transitions: Transition[] = [];
  private readonly stages: Stage[] = [];
  /** Channels of each output branch (one entry when the last module is single-scale). */
  readonly outChannels: number[];

  constructor(readonly config: BackboneConfig) {
    super();
    const bn = config.batchNorm;
    this.conv1 = this.child('conv1', new Conv2d(3, 64, 3, { stride: 2 }));
    this.bn1 = this.child('bn1', new BatchNorm2d(64, bn));
    this.conv2 = this.child('conv2', new Conv2d(64, 64, 3, { stride: 2 }));
    this.bn2 = this.child('bn2', new BatchNorm2d(64, bn));
    const s1 = config.stage1;
    const { layer, outChannels: layer1Out } = makeBlocks(s1.block, 64, s1.numChannels[0], s1.numBlocks[0], bn);
    this.layer1 = this.child('layer1', layer);

    let pre = [layer1Out];
    config.stages.forEach((stage, k) => {
      const cur = branchOutputChannels(stage);
      this.transitions.push(this.child(`transition${k + 1}`, new Transition(pre, cur, bn)));
      const lastStage = k === config.stages.length - 1;
      const modules: HighResolutionModule[] = [];
      let inChannels = cur;
      for (let m = 0; m < stage.numModules; m++) {
        const multiScale = !(lastStage && m === stage.numModules - 1 && !config.multiScaleOutput);
        const module = new HighResolutionModule(stage, inChannels, multiScale, config);
        modules.push(module);
        inChannels = module.outChannels;
      }
      this.stages.push(this.child(`stage${k + 2}`, new Stage(modules)));
      pre = inChannels;
    });
    this.outChannels = pre;
  }

  /** Output stride of each branch relative to the input. */
  get strides(): number[] {
    return this.outChannels.map((_, b) => 4 * 2 ** b);
  }

  /**
   * Runs the backbone on NHWC input; returns the branch outputs (high → low resolution). When
   * `intermediates` is given, the stem / layer1 / every stage output are stored in it too.
   */
  forward(x: tf.Tensor4D, intermediates?: Intermediates): tf.Tensor4D[] {
    if (x.rank !== 4 || x.shape[3] !== 3) {
      throw new Error(`HRNet input must be NHWC with 3 channels, got shape [${x.shape.join(', ')}]`);
    }
    let y = this.conv2.run(this.conv1.run(x, this.bn1, true), this.bn2, true);
    if (intermediates) intermediates.stem = y;
    y = this.layer1.forward(y);
    if (intermediates) intermediates.layer1 = y;
    let branches = [y];
    this.stages.forEach((stage, k) => {
      branches = stage.forward(this.transitions[k].forward(branches));
      if (intermediates) branches.forEach((t, b) => (intermediates[`stage${k + 2}_out_${b}`] = t));
    });
    return branches;
  }

  /**
   * ONNX twin of {@link forward}: adds the backbone's nodes for NCHW input `x` and returns the
   * branch outputs (NCHW value names); `intermediates` receives stem / layer1 / stage outputs.
   */
  emitOnnx(g: OnnxGraph, x: string, intermediates?: Record<string, string>): string[] {
    let y = this.conv2.emitOnnx(g, this.conv1.emitOnnx(g, x, this.bn1, true), this.bn2, true);
    if (intermediates) intermediates.stem = y;
    y = this.layer1.emitOnnx(g, y);
    if (intermediates) intermediates.layer1 = y;
    let branches = [y];
    this.stages.forEach((stage, k) => {
      branches = stage.emitOnnx(g, this.transitions[k].emitOnnx(g, branches));
      if (intermediates) branches.forEach((t, b) => (intermediates[`stage${k + 2}_out_${b}`] = t));
    });
    return branches;
  }
}

/** Output channels of layer1 for a config (256 for the standard stems, 128 for W18-small-v1). */
export function layer1Channels(config: BackboneConfig): number {
  return config.stage1.numChannels[0] * BLOCK_EXPANSION[config.stage1.block];
}

