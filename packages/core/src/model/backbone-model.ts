import type * as tf from '@tensorflow/tfjs-core';
import { HRNetBackbone, type Intermediates } from '../backbone/hrnet-backbone.js';
import type { ModelConfig } from '../config/types.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { featureOutputs, type OnnxOutput, TaskModel } from './task-model.js';

/**
 * The bare backbone with its branch outputs as `backbone_out_{b}`. For the mmdet family its keys
 * sit under `backbone.` (mmdet detector checkpoints); otherwise at the root (ImageNet files).
 */
export class BackboneModel extends TaskModel {
  readonly backbone: HRNetBackbone;

  constructor(config: ModelConfig) {
    super(config);
    this.backbone = this.child(config.family === 'mmdet' ? 'backbone' : '', new HRNetBackbone(config.backbone));
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    const outputs: Record<string, tf.Tensor> = { ...named };
    branches.forEach((t, b) => (outputs[`backbone_out_${b}`] = t));
    return outputs;
  }

  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const branches = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    branches.forEach((t, b) => (named[`backbone_out_${b}`] = t));
    return featureOutputs(named);
  }
}
