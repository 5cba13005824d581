import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type LoadOptions, type LoadReport, type ModelConfig, type OnnxOutput, type StateDict, TaskModel } from '@hrnetjs/core';
import { HRNetBackbone, type Intermediates, type OnnxGraph } from '@hrnetjs/core/ops';
import { HRFPN } from './hrfpn.js';

/** Parts of an mmdet detector checkpoint that the feature model does not hold. */
const DETECTOR_HEAD_PREFIXES = ['rpn_head.', 'roi_head.', 'bbox_head.', 'mask_head.'];

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

  /**
   * Loads a detector checkpoint's backbone and neck. Its `rpn_head.` / `roi_head.` entries belong
   * to the detector heads, not to this model: they are set aside (listed as `unexpected` in the
   * report) instead of failing a strict load.
   */
  override load(stateDict: StateDict, options: Omit<LoadOptions, 'modelName'> = {}): LoadReport {
    const heads = [...stateDict.keys()].filter((k) => DETECTOR_HEAD_PREFIXES.some((p) => k.startsWith(p)));
    const headSet = new Set(heads);
    const features = new Map([...stateDict].filter(([k]) => !headSet.has(k)));
    const report = super.load(features, options);
    return { ...report, unexpected: [...report.unexpected, ...heads] };
  }

  /** The HRFPN levels (NHWC, finest first) of a batch, as an array; the caller disposes them. */
  neckLevels(x: tf.Tensor4D): tf.Tensor4D[] {
    const neck = this.neck;
    if (!neck) throw new Error(`DetectionFeatureModel '${this.config.name}' has no neck: its config gives the backbone only`);
    return tf.tidy(() => neck.forward(this.backbone.forward(x)));
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    const outputs: Record<string, tf.Tensor> = { ...named };
    branches.forEach((t, b) => (outputs[`backbone_out_${b}`] = t));
    this.neck?.forward(branches).forEach((t, i) => (outputs[`neck_out_${i}`] = t));
    return outputs;
  }

  /** ONNX twin of computeOutputs: `backbone_out_{b}` and `neck_out_{i}` (NCHW values). */
  emitFeatures(g: OnnxGraph, x: string, intermediates: boolean): Record<string, string> {
    const named: Record<string, string> = {};
    const branches = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    branches.forEach((t, b) => (named[`backbone_out_${b}`] = t));
    this.neck?.emitOnnx(g, branches).forEach((t, i) => (named[`neck_out_${i}`] = t));
    return named;
  }

  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    return featureOutputs(this.emitFeatures(g, x, intermediates));
  }
}
