import * as tf from '@tensorflow/tfjs-core';
import { Module, type OnnxSession } from '@hrnetjs/core';
import { Conv2d, OnnxGraph, type OnnxWeightDtype, resizeBilinearLikeOnnx, Sequential, sumOnnx } from '@hrnetjs/core/ops';
import { ConvModule } from './fcn-mask-head.js';
import type { SemanticHeadConfig } from './htc-config.js';
import type { FeatureMap } from './roi-align.js';

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

  /**
   * @param inputLevels how many neck levels the detector gives it (its ONNX graph takes that many;
   *   at most `num_ins`, the default).
   */
  constructor(
    readonly config: SemanticHeadConfig,
    readonly inputLevels = config.numIns,
  ) {
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

  /** ONNX twin of {@link embed} on NCHW neck levels: the embedded feature (NCHW). */
  emitOnnx(g: OnnxGraph, levels: string[]): string {
    const f = this.config.fusionLevel;
    const fused = this.lateralConvs[f].conv.emitOnnx(g, levels[f], null, true);
    const terms = [fused];
    levels.forEach((level, i) => {
      if (i !== f) terms.push(this.lateralConvs[i].conv.emitOnnx(g, resizeBilinearLikeOnnx(g, level, fused, true), null, true));
    });
    let x = sumOnnx(g, terms); // ((lateral_f + l_0) + l_2) + … as `x += …` in level order
    for (const m of this.convs) x = m.conv.emitOnnx(g, x, null, true);
    return this.convEmbedding.conv.emitOnnx(g, x, null, true);
  }

  /**
   * ONNX model of {@link embedToHost}: inputs `neck_{i}` (NHWC [1, H_i, W_i, C], i < `inputLevels`,
   * dynamic sizes) → `semantic_feat` (NHWC [1, H, W, c] at the `fusion_level` size).
   */
  toOnnx(options: { weights?: OnnxWeightDtype } = {}): Uint8Array {
    const { inChannels: C, convOutChannels: c } = this.config;
    const g = new OnnxGraph();
    const levels = Array.from({ length: this.inputLevels }, (_, i) =>
      g.node('Transpose', [g.input(`neck_${i}`, [1, `h${i}`, `w${i}`, C])], { perm: [0, 3, 1, 2] }, `level${i}_nchw`),
    );
    const feat = g.node('Transpose', [this.emitOnnx(g, levels)], { perm: [0, 2, 3, 1] }, 'semantic_nhwc');
    g.output(feat, 'semantic_feat', [1, 'h', 'w', c]);
    return g.encode({ weights: options.weights, docString: 'HRNet.js export of the FusedSemanticHead (embedding)' });
  }

  /**
   * `forward(feats)[1]` on host neck levels (NHWC, finest first): the embedded semantic feature of
   * one image, on `session` (over {@link toOnnx}) when given, else on TF.js.
   */
  async embedToHost(features: FeatureMap[], session?: OnnxSession): Promise<FeatureMap> {
    if (session) {
      if (features.length < this.inputLevels) throw new Error(`FusedSemanticHead: its ONNX graph takes ${this.inputLevels} neck levels, got ${features.length}`);
      const feeds = Object.fromEntries(features.slice(0, this.inputLevels).map((f, i) => [`neck_${i}`, { data: f.data, dims: [1, f.height, f.width, f.channels] }]));
      const out = (await session.run(feeds)).semantic_feat;
      if (!out) throw new Error("the semantic head's ONNX session has no output 'semantic_feat': export it with FusedSemanticHead.toOnnx()");
      return { data: out.data, height: out.dims[1], width: out.dims[2], channels: out.dims[3] };
    }
    const levels = features.map((f) => tf.tensor4d(f.data, [1, f.height, f.width, f.channels]));
    let feat: tf.Tensor4D | undefined;
    try {
      feat = this.embed(levels);
      return { data: (await feat.data()) as Float32Array, height: feat.shape[1], width: feat.shape[2], channels: feat.shape[3] };
    } finally {
      tf.dispose(levels);
      feat?.dispose();
    }
  }
}
