import type * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type OnnxOutput, TaskModel } from '@hrnetjs/core';
import { Conv2d, HRNetBackbone, type Intermediates, type OnnxGraph } from '@hrnetjs/core/ops';

/**
 * PoseHighResolutionNet (pose_hrnet.py): the backbone (last module fused into branch 0 only)
 * and `final_layer`, a conv with bias to one heatmap per joint at 1/4 input resolution.
 * Output `heatmaps` is NHWC [N, H/4, W/4, joints].
 */
export class PoseModel extends TaskModel {
  readonly backbone: HRNetBackbone;
  readonly finalLayer: Conv2d;

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'pose') throw new Error(`PoseModel needs a pose head config, got '${config.head.type}'`);
    const { numJoints, finalConvKernel: k } = config.head;
    this.backbone = this.child('', new HRNetBackbone(config.backbone));
    // Official: padding=1 if FINAL_CONV_KERNEL == 3 else 0.
    this.finalLayer = this.child(
      'final_layer',
      new Conv2d(this.backbone.outChannels[0], numJoints, k, { bias: true, padding: k === 3 ? 1 : 0 }),
    );
  }

  /** Heatmaps [N, H/4, W/4, joints] for NHWC input. */
  predict(x: tf.Tensor4D): tf.Tensor4D {
    return this.forwardNamed(x).heatmaps as tf.Tensor4D;
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const [branch0] = this.backbone.forward(x, intermediates ? named : undefined);
    return { ...named, heatmaps: this.finalLayer.forward(branch0) };
  }

  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const [branch0] = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    return featureOutputs({ ...named, heatmaps: this.finalLayer.emitOnnx(g, branch0, null, false) });
  }
}
