import * as tf from '@tensorflow/tfjs-core';
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
}
