import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type OnnxOutput, TaskModel } from '@hrnetjs/core';
import { BasicBlock, BatchNorm2d, Conv2d, HRNetBackbone, type Intermediates, type OnnxGraph, Sequential, Stateless } from '@hrnetjs/core/ops';
import { ConvTranspose2d } from './conv-transpose.js';
import type { HigherHRNetConfig } from './higher-config.js';

/** `_get_deconv_cfg`: padding and output_padding of a stride-2 deconv of kernel 4, 3 or 2. */
export function deconvPadding(kernel: number): { padding: number; outputPadding: number } {
  if (kernel === 4) return { padding: 1, outputPadding: 0 };
  if (kernel === 3) return { padding: 1, outputPadding: 1 };
  if (kernel === 2) return { padding: 0, outputPadding: 0 };
  throw new Error(`deconv kernel ${kernel} is not one of the official 2, 3, 4`);
}

/** `Sequential(ConvTranspose2d, BatchNorm2d, ReLU)`: keys `0.weight`, `1.*`. */
class DeconvBnRelu extends Sequential {
  constructor(
    readonly deconv: ConvTranspose2d,
    readonly bn: BatchNorm2d,
  ) {
    super([deconv, bn, new Stateless('relu')]);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.deconv.run(x, this.bn, true);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.deconv.emitOnnx(g, x, this.bn, true);
  }
}

/** `deconv_layers[i]`: `Sequential(DeconvBnRelu, Sequential(BasicBlock), …)`. */
class DeconvLayer extends Sequential {
  constructor(
    readonly head: DeconvBnRelu,
    readonly blocks: BasicBlock[],
  ) {
    super([head, ...blocks.map((b) => new Sequential([b]))]);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.blocks.reduce((y, b) => b.forward(y), this.head.forward(x));
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.blocks.reduce((y, b) => b.emitOnnx(g, y), this.head.emitOnnx(g, x));
  }
}

/** Channels of output i: heatmaps, plus tag maps where that output has the AE loss. */
export function higherOutputChannels(config: HigherHRNetConfig, i: number): number {
  const { numJoints, tagPerJoint, withAeLoss } = config.higher;
  return numJoints + (withAeLoss[i] ? (tagPerJoint ? numJoints : 1) : 0);
}

/**
 * PoseHigherResolutionNet (pose_higher_hrnet.py): the pose backbone (last module fused into branch
 * 0), `final_layers[0]` at 1/4 resolution, then per deconv (input = features, concatenated with the
 * previous output where `CAT_OUTPUT`) `deconv_layers[i]` and `final_layers[i+1]`, each ×2 larger.
 * Outputs `output_{i}` NHWC [N, H/4·2^i, W/4·2^i, channels]: heatmaps first, then tags.
 */
export class HigherHRNetModel extends TaskModel {
  declare readonly config: HigherHRNetConfig;
  readonly backbone: HRNetBackbone;
  readonly finalLayers: Conv2d[];
  readonly deconvLayers: DeconvLayer[];

  constructor(config: HigherHRNetConfig) {
    super(config);
    if (!config.higher) throw new Error('HigherHRNetModel needs a HigherHRNet config (parseHigherHRNetConfig)');
    const { finalConvKernel: k, deconv } = config.higher;
    const bn = config.backbone.batchNorm;
    this.backbone = this.child('', new HRNetBackbone(config.backbone));
    const pad = k === 3 ? 1 : 0;
    let channels = this.backbone.outChannels[0];
    const finals = [new Conv2d(channels, higherOutputChannels(config, 0), k, { bias: true, padding: pad })];
    const deconvs: DeconvLayer[] = [];
    for (let i = 0; i < deconv.numDeconvs; i++) {
      const inC = channels + (deconv.catOutput[i] ? higherOutputChannels(config, i) : 0);
      const outC = deconv.numChannels[i];
      const { padding, outputPadding } = deconvPadding(deconv.kernelSize[i]);
      const head = new DeconvBnRelu(new ConvTranspose2d(inC, outC, deconv.kernelSize[i], 2, padding, outputPadding), new BatchNorm2d(outC, bn));
      const blocks = Array.from({ length: deconv.numBasicBlocks }, () => new BasicBlock(outC, outC, 1, null, bn));
      deconvs.push(new DeconvLayer(head, blocks));
      finals.push(new Conv2d(outC, higherOutputChannels(config, i + 1), k, { bias: true, padding: pad }));
      channels = outC;
    }
    this.finalLayers = this.child('final_layers', new Sequential(finals)).items as Conv2d[];
    this.deconvLayers = this.child('deconv_layers', new Sequential(deconvs)).items as DeconvLayer[];
  }

  /** The outputs, high-level first (`final_outputs` of the official forward). */
  predict(x: tf.Tensor4D): tf.Tensor4D[] {
    const named = this.forwardNamed(x);
    return this.finalLayers.map((_, i) => named[`output_${i}`] as tf.Tensor4D);
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    let [feat] = this.backbone.forward(x, intermediates ? named : undefined);
    let y = this.finalLayers[0].run(feat, null, false);
    const out: Record<string, tf.Tensor> = { ...named, output_0: y };
    this.deconvLayers.forEach((layer, i) => {
      if (this.config.higher.deconv.catOutput[i]) feat = tf.concat([feat, y], 3);
      feat = layer.forward(feat);
      y = this.finalLayers[i + 1].run(feat, null, false);
      out[`output_${i + 1}`] = y;
    });
    return out;
  }

  /**
   * ONNX twin of {@link computeOutputs} (NCHW): the same `output_{i}` (and intermediates), so
   * `toOnnx()` gives every resolution. Batch is dynamic, and so are H and W (multiples of 32, as
   * the nearest ×2 / ×4 / ×8 fuse upsamplings of the official network need).
   */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    let [feat] = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    let y = this.finalLayers[0].emitOnnx(g, feat, null, false);
    const out: Record<string, string> = { ...named, output_0: y };
    this.deconvLayers.forEach((layer, i) => {
      if (this.config.higher.deconv.catOutput[i]) feat = g.node('Concat', [feat, y], { axis: 1 }, 'cat_output');
      feat = layer.emitOnnx(g, feat);
      y = this.finalLayers[i + 1].emitOnnx(g, feat, null, false);
      out[`output_${i + 1}`] = y;
    });
    return featureOutputs(out);
  }
}
