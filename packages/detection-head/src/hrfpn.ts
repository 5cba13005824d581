import * as tf from '@tensorflow/tfjs-core';
import { type HRFPNConfig, Module } from '@hrnetjs/core';
import { Conv2d, type OnnxGraph, resizeBilinearLikeOnnx, resizeBilinearLikeTorch, Sequential } from '@hrnetjs/core/ops';

/** mmcv `ConvModule` without norm/activation: a conv under the child name `conv`. */
class ConvModule extends Module {
  readonly conv: Conv2d;
  constructor(conv: Conv2d) {
    super();
    this.conv = this.child('conv', conv);
  }
}

/**
 * HRFPN: branches upsampled bilinearly by 2^i and concatenated, a 1×1 reduction conv,
 * an average- (or max-) pooled pyramid of `numOuts` levels, one 3×3 conv per level.
 * Key names follow mmdet 2.x (`reduction_conv.conv`, `fpn_convs.{i}.conv`) or the
 * HRNet-Object-Detection fork (`reduction_conv.0`, `fpn_conv.{i}`), per `keyStyle`.
 */
export class HRFPN extends Module {
  private readonly reduction: Conv2d;
  private readonly fpnConvs: Conv2d[];

  constructor(readonly config: HRFPNConfig) {
    super();
    const inTotal = config.inChannels.reduce((a, b) => a + b, 0);
    const out = config.outChannels;
    const reduction = new Conv2d(inTotal, out, 1, { bias: true });
    const makeFpnConv = () => new Conv2d(out, out, 3, { bias: true, stride: config.stride });
    if (config.keyStyle === 'mmdet2') {
      this.reduction = this.child('reduction_conv', new ConvModule(reduction)).conv;
      const convs = Array.from({ length: config.numOuts }, () => new ConvModule(makeFpnConv()));
      this.fpnConvs = this.child('fpn_convs', new Sequential(convs)).items.map((m) => m.conv);
    } else {
      this.child('reduction_conv', new Sequential([reduction]));
      this.reduction = reduction;
      if (config.shareConv) {
        const shared = this.child('fpn_conv', makeFpnConv());
        this.fpnConvs = Array.from({ length: config.numOuts }, () => shared);
      } else {
        this.fpnConvs = this.child('fpn_conv', new Sequential(Array.from({ length: config.numOuts }, makeFpnConv))).items;
      }
    }
  }

  /** Backbone branches (NHWC, high → low resolution) → `numOuts` pyramid levels (NHWC). */
  forward(branches: tf.Tensor4D[]): tf.Tensor4D[] {
    if (branches.length !== this.config.inChannels.length) {
      throw new Error(`HRFPN expects ${this.config.inChannels.length} inputs, got ${branches.length}`);
    }
    const [, height, width] = branches[0].shape;
    const upsampled = branches.map((t, i) => {
      const factor = 2 ** i;
      const [, h, w] = t.shape;
      if (h * factor !== height || w * factor !== width) {
        throw new Error(
          `HRFPN: branch ${i} (${h}×${w}) ×${factor} does not match branch 0 (${height}×${width}); pad the input to a multiple of 32`,
        );
      }
      return resizeBilinearLikeTorch(t, height, width, false);
    });
    const reduced = this.reduction.forward(tf.concat(upsampled, 3));
    const levels = [reduced];
    for (let i = 1; i < this.config.numOuts; i++) {
      const k = 2 ** i;
      levels.push(this.config.poolingType === 'AVG' ? tf.avgPool(reduced, k, k, 'valid') : tf.maxPool(reduced, k, k, 'valid'));
    }
    // shareConv reuses one conv; folding is cached on it, so this is cheap.
    return levels.map((level, i) => this.fpnConvs[i].forward(level));
  }

  /**
   * ONNX twin of {@link forward} (NCHW). The branches are resized to branch 0's size, which equals
   * mmdet's ×2^i when the input is a multiple of 32 (the TF.js forward checks that; ORT would not).
   */
  emitOnnx(g: OnnxGraph, branches: string[]): string[] {
    if (branches.length !== this.config.inChannels.length) {
      throw new Error(`HRFPN expects ${this.config.inChannels.length} inputs, got ${branches.length}`);
    }
    const upsampled = branches.map((t, i) => (i === 0 ? t : resizeBilinearLikeOnnx(g, t, branches[0], false)));
    const concat = upsampled.length === 1 ? upsampled[0] : g.node('Concat', upsampled, { axis: 1 });
    const reduced = this.reduction.emitOnnx(g, concat, null, false);
    const levels = [reduced];
    for (let i = 1; i < this.config.numOuts; i++) {
      const k = 2 ** i;
      levels.push(g.node(this.config.poolingType === 'AVG' ? 'AveragePool' : 'MaxPool', [reduced], { kernel_shape: [k, k], strides: [k, k] }, 'pool'));
    }
    return levels.map((level, i) => this.fpnConvs[i].emitOnnx(g, level, null, false));
  }
}
