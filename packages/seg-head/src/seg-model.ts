import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type OnnxOutput, TaskModel } from '@hrnetjs/core';
import {
  BatchNorm2d,
  Conv2d,
  HRNetBackbone,
  type Intermediates,
  type OnnxGraph,
  resizeBilinearLikeOnnx,
  resizeBilinearLikeTorch,
  Sequential,
  Stateless,
} from '@hrnetjs/core/ops';

/**
 * HRNetV2 head (seg_hrnet.py): the four branches upsampled bilinearly to branch 0's size,
 * concatenated [x0, x1, x2, x3], then `last_layer` = 1×1 conv (bias) + BN + ReLU + k×k conv (bias)
 * to class logits at 1/4 input resolution.
 */
export class SegLastLayer extends Sequential {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly classifier: Conv2d;

  constructor(channels: number, numClasses: number, kernel: number, batchNorm: 'standard' | 'inplace-abn') {
    const conv = new Conv2d(channels, channels, 1, { bias: true });
    const bn = new BatchNorm2d(channels, batchNorm);
    const classifier = new Conv2d(channels, numClasses, kernel, { bias: true, padding: kernel === 3 ? 1 : 0 });
    super([conv, bn, new Stateless('relu'), classifier]);
    this.conv = conv;
    this.bn = bn;
    this.classifier = classifier;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.classifier.forward(this.conv.run(x, this.bn, true));
  }

  /**
   * The whole HRNetV2 head on the backbone branches: each upsampled bilinearly to branch 0's size,
   * concatenated, then `last_layer` (shared by SegModel and multi-task models on one backbone).
   * Intermediates are left to the caller's `tf.tidy` (training tapes need them).
   */
  forwardBranches(branches: readonly tf.Tensor4D[], alignCorners: boolean): tf.Tensor4D {
    const [, height, width] = branches[0].shape;
    return this.forward(tf.concat(branches.map((t) => resizeBilinearLikeTorch(t, height, width, alignCorners)), 3));
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.classifier.emitOnnx(g, this.conv.emitOnnx(g, x, this.bn, true), null, false);
  }

  /** ONNX twin of {@link forwardBranches} (NCHW branches). */
  emitOnnxBranches(g: OnnxGraph, branches: readonly string[], alignCorners: boolean): string {
    const upsampled = branches.map((t, i) => (i === 0 ? t : resizeBilinearLikeOnnx(g, t, branches[0], alignCorners)));
    return this.emitOnnx(g, upsampled.length === 1 ? upsampled[0] : g.node('Concat', upsampled, { axis: 1 }));
  }
}

/** HighResolutionNet of HRNet-Semantic-Segmentation: output `logits` NHWC [N, H/4, W/4, classes]. */
export class SegModel extends TaskModel {
  readonly backbone: HRNetBackbone;
  readonly lastLayer: SegLastLayer;

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'seg') throw new Error(`SegModel needs a seg head config, got '${config.head.type}'`);
    if (config.head.ocr) throw new Error('this config has an OCR head (seg_hrnet_ocr): build it with OcrSegModel or createSegModel');
    this.backbone = this.child('', new HRNetBackbone(config.backbone));
    const channels = this.backbone.outChannels.reduce((a, b) => a + b, 0);
    this.lastLayer = this.child(
      'last_layer',
      new SegLastLayer(channels, config.head.numClasses, config.head.finalConvKernel, config.backbone.batchNorm),
    );
  }

  /** Logits [N, H/4, W/4, classes] for NHWC input. */
  predict(x: tf.Tensor4D): tf.Tensor4D {
    return this.forwardNamed(x).logits as tf.Tensor4D;
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    return { ...named, logits: this.lastLayer.forwardBranches(branches, this.config.backbone.alignCorners) };
  }

  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const branches = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    return featureOutputs({ ...named, logits: this.lastLayer.emitOnnxBranches(g, branches, this.config.backbone.alignCorners) });
  }
}
