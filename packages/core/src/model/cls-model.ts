import type * as tf from '@tensorflow/tfjs-core';
import { HRNetBackbone, type Intermediates } from '../backbone/hrnet-backbone.js';
import type { ModelConfig } from '../config/types.js';
import { ClsHead } from '../heads/cls-head.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { featureOutputs, type OnnxOutput, TaskModel } from './task-model.js';

/** HRNet-W*-C ImageNet classifier (cls_hrnet.py); outputs `logits` [N, classes]. */
export class ClsModel extends TaskModel {
  readonly backbone: HRNetBackbone;
  readonly head: ClsHead;

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'cls') throw new Error(`ClsModel needs a cls head config, got '${config.head.type}'`);
    this.backbone = this.child('', new HRNetBackbone(config.backbone));
    this.head = this.child('', new ClsHead(this.backbone.outChannels, config.head.numClasses, config.backbone.batchNorm));
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    return { ...named, logits: this.head.forward(branches) };
  }

  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const branches = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    return { ...featureOutputs(named), logits: { value: this.head.emitOnnx(g, branches), layout: 'nc' } };
  }
}
