import * as tf from '@tensorflow/tfjs-core';
import type { OnnxSession } from '@hrnetjs/core';
import { OnnxGraph, type OnnxWeightDtype } from '@hrnetjs/core/ops';
import { ConvModule, FCNMaskHead, type MaskHeadConfig } from './fcn-mask-head.js';

/**
 * mmdet 2.x `HTCMaskHead`: an {@link FCNMaskHead} (`convs`, `upsample`, `conv_logits`) plus, with
 * `with_conv_res` (the reader's default), `conv_res` (1×1 ConvModule + ReLU) that maps the previous stage's conv
 * features onto this stage's input (the mask information flow). Keys as PyTorch's: `conv_res.conv.*`
 * after `conv_logits.*`.
 */
export class HTCMaskHead extends FCNMaskHead {
  readonly convRes: ConvModule | null;

  constructor(config: MaskHeadConfig) {
    super(config);
    const c = config.convOutChannels;
    this.convRes = config.withConvRes ? this.child('conv_res', new ConvModule(c, c, 1)) : null;
  }

  /**
   * `forward(x, res_feat)`: x (+ `conv_res(res_feat)` when given) → `convs` → features for the next
   * stage, and the mask logits from them (NHWC). The caller disposes both.
   */
  forwardFlow(x: tf.Tensor4D, resFeat: tf.Tensor4D | null): { logits: tf.Tensor4D; feat: tf.Tensor4D } {
    if (resFeat && !this.convRes) throw new Error('HTCMaskHead: a previous stage feature needs with_conv_res');
    return tf.tidy(() => {
      const input = resFeat && this.convRes ? tf.add(x, this.convRes.conv.run(resFeat, null, true)) : x;
      const feat = this.convFeatures(input as tf.Tensor4D);
      return { logits: this.logitsOf(feat), feat };
    });
  }

  /** Size of one RoI's conv features (`convs` output, channel-major [c·P·P]): what the information flow passes on. */
  get flowFeatureSize(): number {
    return this.config.convOutChannels * this.config.roiFeatSize ** 2;
  }

  override get onnxSignature(): string {
    const { inChannels: C, roiFeatSize: P, convOutChannels: c } = this.config;
    const res = this.convRes ? `, res_feats [N, ${c}·${P}·${P}]` : '';
    return `inputs roi_feats [N, ${C}·${P}·${P}]${res}, labels [N] → mask_logits, mask_probs [N, ${this.maskSize}, ${this.maskSize}], mask_feats [N, ${c}·${P}·${P}]`;
  }

  /**
   * ONNX model of {@link flowOnHost} (one stage of the mask information flow): inputs `roi_feats`
   * [N, C·P·P] (channel-major RoI features), with `conv_res` also `res_feats` [N, c·P·P] (the
   * previous stage's `mask_feats`), and `labels` [N] (float32) → `mask_logits` / `mask_probs`
   * [N, M, M] of each RoI's label channel and `mask_feats` [N, c·P·P], this stage's conv features
   * (channel-major) for the next stage.
   */
  override toOnnx(options: { weights?: OnnxWeightDtype } = {}): Uint8Array {
    const { convOutChannels: c, roiFeatSize: P } = this.config;
    const g = new OnnxGraph();
    let x = this.emitRoiInput(g);
    if (this.convRes) {
      const res = g.node('Reshape', [g.input('res_feats', ['rois', c * P * P]), g.int64('res_shape', [0, c, P, P])], {}, 'res_nchw');
      x = g.node('Add', [x, this.convRes.conv.emitOnnx(g, res, null, true)], {}, 'with_res');
    }
    const feat = this.emitConvFeatures(g, x);
    this.emitLabelOutputs(g, this.emitLogitsOf(g, feat));
    g.output(g.node('Reshape', [feat, g.int64('feat_shape', [0, c * P * P])], {}, 'mask_feats'), 'mask_feats', ['rois', c * P * P]);
    return g.encode({ weights: options.weights, docString: 'HRNet.js export of the HTCMaskHead' });
  }

  /**
   * One stage of the information flow on `session` (over {@link toOnnx}), all RoIs in one call:
   * host RoI features ([N, C·P·P], channel-major) and the previous stage's conv features (`resFeat`,
   * from the previous call's `feat`; null for a stage without `conv_res`) → the sigmoid
   * probabilities and logits of each RoI's label channel ([N, M, M]) and this stage's conv features.
   */
  async flowOnHost(roiFeats: Float32Array, labels: Int32Array, resFeat: Float32Array | null, session: OnnxSession): Promise<{ probs: Float32Array; logits: Float32Array; feat: Float32Array }> {
    const { inChannels: C, roiFeatSize: P } = this.config;
    const n = labels.length;
    if (roiFeats.length !== n * C * P * P) throw new Error(`HTCMaskHead: expected ${n}×${C}×${P}×${P} RoI features, got ${roiFeats.length} values`);
    if (resFeat && !this.convRes) throw new Error('HTCMaskHead: a previous stage feature needs with_conv_res');
    if (!resFeat && this.convRes) throw new Error('HTCMaskHead: with_conv_res needs the previous stage feature');
    const inputs: Parameters<OnnxSession['run']>[0] = { roi_feats: { data: roiFeats, dims: [n, C * P * P] }, labels: { data: Float32Array.from(labels), dims: [n] } };
    if (resFeat) inputs.res_feats = { data: resFeat, dims: [n, this.flowFeatureSize] };
    const out = await session.run(inputs);
    if (!out.mask_probs || !out.mask_logits || !out.mask_feats) {
      throw new Error("the HTC mask head's ONNX session has no output 'mask_probs' / 'mask_logits' / 'mask_feats': export it with HTCMaskHead.toOnnx()");
    }
    return { probs: out.mask_probs.data, logits: out.mask_logits.data, feat: out.mask_feats.data };
  }
}
