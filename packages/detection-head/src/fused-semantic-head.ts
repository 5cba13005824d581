import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import { Conv2d, Sequential } from '@hrnetjs/core/ops';
import { ConvModule } from './fcn-mask-head.js';
import type { SemanticHeadConfig } from './htc-config.js';

/**
 * mmdet 2.x `FusedSemanticHead` (HTC's semantic branch): `lateral_convs.{i}` (1×1 + ReLU) on every
 * neck level, the others bilinearly resized (align_corners True) to the `fusion_level` one and
 * summed in level order, then `convs.{i}` (3×3 + ReLU), and from there `conv_logits` (1×1, the
 * semantic segmentation) and `conv_embedding` (1×1 + ReLU, the feature HTC's RoI heads pool).
 * Key order as PyTorch's.
 */
export class FusedSemanticHead extends Module {
  readonly lateralConvs: ConvModule[];
  readonly convs: ConvModule[];
  readonly convEmbedding: ConvModule;
  readonly convLogits: Conv2d;

  constructor(readonly config: SemanticHeadConfig) {
    super();
    const { numIns, numConvs, inChannels: i, convOutChannels: c } = config;
    this.lateralConvs = this.child('lateral_convs', new Sequential(Array.from({ length: numIns }, () => new ConvModule(i, i, 1)))).items;
    this.convs = this.child('convs', new Sequential(Array.from({ length: numConvs }, (_, k) => new ConvModule(k === 0 ? i : c, c, 3)))).items;
    this.convEmbedding = this.child('conv_embedding', new ConvModule(c, c, 1));
    this.convLogits = this.child('conv_logits', new Conv2d(c, config.numClasses, 1, { padding: 0, bias: true }));
  }

  /** The fused features after `convs` (NHWC, the `fusion_level` level's size) of the neck levels (NHWC, finest first). */
  private fused(levels: tf.Tensor4D[]): tf.Tensor4D {
    const { fusionLevel: f, numIns } = this.config;
    if (levels.length > numIns || f >= levels.length) {
      throw new Error(`FusedSemanticHead: num_ins ${numIns} and fusion_level ${f} do not fit ${levels.length} neck levels`);
    }
    return tf.tidy(() => {
      let x = this.lateralConvs[f].conv.run(levels[f], null, true);
      const size: [number, number] = [x.shape[1], x.shape[2]];
      levels.forEach((level, i) => {
        if (i !== f) x = tf.add(x, this.lateralConvs[i].conv.run(tf.image.resizeBilinear(level, size, true), null, true));
      });
      for (const m of this.convs) x = m.conv.run(x, null, true);
      return x;
    });
  }

  /** `forward(feats)[1]`: the embedded semantic feature (NHWC). The caller disposes it. */
  embed(levels: tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => this.convEmbedding.conv.run(this.fused(levels), null, true));
  }

  /** `forward(feats)`: semantic logits and the embedded feature (NHWC). The caller disposes them. */
  forward(levels: tf.Tensor4D[]): { logits: tf.Tensor4D; feat: tf.Tensor4D } {
    return tf.tidy(() => {
      const x = this.fused(levels);
      return { logits: this.convLogits.run(x, null, false), feat: this.convEmbedding.conv.run(x, null, true) };
    });
  }
}
