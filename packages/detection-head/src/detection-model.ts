import type * as tf from '@tensorflow/tfjs-core';
import { HRNetBackbone, type Intermediates, type ModelConfig, TaskModel } from '@hrnetjs/core';
import { HRFPN } from './hrfpn.js';

/**
 * The mmdet detector's feature part: HRNet under `backbone.` and HRFPN under `neck.`, matching
 * mmdet 2.x checkpoints. Outputs `backbone_out_{b}` and `neck_out_{i}` (NHWC).
 */
export class DetectionFeatureModel extends TaskModel {
  readonly backbone: HRNetBackbone;
  readonly neck: HRFPN | null;

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'mmdet') throw new Error(`DetectionFeatureModel needs an mmdet config, got '${config.head.type}'`);
    this.backbone = this.child('backbone', new HRNetBackbone(config.backbone));
    this.neck = config.head.neck ? this.child('neck', new HRFPN(config.head.neck)) : null;
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    const outputs: Record<string, tf.Tensor> = { ...named };
    branches.forEach((t, b) => (outputs[`backbone_out_${b}`] = t));
    this.neck?.forward(branches).forEach((t, i) => (outputs[`neck_out_${i}`] = t));
    return outputs;
  }
}
