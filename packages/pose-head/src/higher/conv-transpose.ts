import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import type { BatchNorm2d, OnnxGraph } from '@hrnetjs/core/ops';

/**
 * `nn.ConvTranspose2d(in, out, k, stride, padding, output_padding, bias=False)` for inference:
 * weight [in, out, k, k] as in PyTorch; the following BatchNorm is folded in once. NHWC in/out,
 * output size (H − 1)·stride − 2·padding + k + output_padding.
 */
export class ConvTranspose2d extends Module {
  private folded: { filter: tf.Tensor4D; bias: tf.Tensor1D } | null = null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly stride: number,
    readonly padding: number,
    readonly outputPadding: number,
  ) {
    super();
    this.declare('weight', [inChannels, outChannels, kernelSize, kernelSize]);
  }

  /**
   * Weight in PyTorch's (and ONNX ConvTranspose's) layout [in, out, kh, kw] and bias with the
   * following BatchNorm folded in (per output channel, scale and shift in float64).
   */
  foldedIOHW(bn: BatchNorm2d | null): { weight: Float32Array; bias: Float32Array } {
    const { inChannels: i, outChannels: o } = this;
    const weight = this.value('weight');
    const { scale, shift } = this.foldedAffine(bn);
    const per = weight.length / (i * o);
    const out = new Float32Array(weight.length);
    for (let ic = 0; ic < i; ic++) {
      for (let oc = 0; oc < o; oc++) {
        const base = (ic * o + oc) * per;
        for (let j = 0; j < per; j++) out[base + j] = weight[base + j] * scale[oc];
      }
    }
    return { weight: out, bias: Float32Array.from(shift) };
  }

  /** Per-output-channel scale and shift of the folded BN (float64). */
  private foldedAffine(bn: BatchNorm2d | null): { scale: Float64Array; shift: Float64Array } {
    const scale = new Float64Array(this.outChannels).fill(1);
    const shift = new Float64Array(this.outChannels);
    if (bn) bn.foldInto(scale, shift);
    return { scale, shift };
  }

  private foldedWith(bn: BatchNorm2d | null): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
    if (this.folded) return this.folded;
    const { inChannels: i, outChannels: o, kernelSize: k } = this;
    const { weight, bias } = this.foldedIOHW(bn);
    // PyTorch [in, out, kh, kw] → TF conv2dTranspose filter [kh, kw, out, in] (both are the adjoint
    // of the same correlation, so no spatial flip).
    const filter = new Float32Array(weight.length);
    for (let ic = 0; ic < i; ic++) {
      for (let oc = 0; oc < o; oc++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) {
            filter[((y * k + x) * o + oc) * i + ic] = weight[((ic * o + oc) * k + y) * k + x];
          }
        }
      }
    }
    this.folded = tf.tidy(() => ({
      filter: tf.keep(tf.tensor4d(filter, [k, k, o, i])),
      bias: tf.keep(tf.tensor1d(bias)),
    }));
    return this.folded;
  }

  /**
   * ONNX twin of {@link run} on NCHW `x`: one ConvTranspose with PyTorch's padding and output_padding
   * (ONNX defines both as PyTorch does: output (H − 1)·stride − 2·padding + k + output_padding), the
   * BN folded into its weight and bias, then an optional Relu.
   */
  emitOnnx(g: OnnxGraph, x: string, bn: BatchNorm2d | null, relu: boolean): string {
    const { inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: p, outputPadding: op } = this;
    // Folded when the model bytes are written.
    const w = g.weight('deconv_w', [i, o, k, k], () => this.foldedIOHW(bn).weight, { owner: this, part: 'weight' });
    const b = g.weight('deconv_b', [o], () => Float32Array.from(this.foldedAffine(bn).shift), { owner: this, part: 'bias' });
    const y = g.node(
      'ConvTranspose',
      [x, w, b],
      { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], output_padding: [op, op] },
      'deconv',
    );
    return relu ? g.node('Relu', [y]) : y;
  }

  /** Transposed conv, then `bn` (folded) and an optional ReLU. */
  run(x: tf.Tensor4D, bn: BatchNorm2d | null, relu: boolean): tf.Tensor4D {
    const { filter, bias } = this.foldedWith(bn);
    const [n, h, w] = x.shape;
    const { stride: s, padding: p, outputPadding: op, kernelSize: k } = this;
    const fullH = (h - 1) * s + k;
    const fullW = (w - 1) * s + k;
    const outH = fullH - 2 * p + op;
    const outW = fullW - 2 * p + op;
    return tf.tidy(() => {
      // The 'valid' transposed conv covers every tap; PyTorch's padding crops it, output_padding
      // extends it at the bottom/right (with zeros past the last tap).
      let y: tf.Tensor4D = tf.conv2dTranspose(x, filter, [n, fullH, fullW, this.outChannels], s, 'valid');
      const extraH = Math.max(0, p + outH - fullH);
      const extraW = Math.max(0, p + outW - fullW);
      if (extraH || extraW) y = tf.pad(y, [[0, 0], [0, extraH], [0, extraW], [0, 0]]);
      if (p || op) y = tf.slice(y, [0, p, p, 0], [n, outH, outW, this.outChannels]);
      const z = tf.add(y, bias) as tf.Tensor4D;
      return relu ? tf.relu(z) : z;
    });
  }

  protected override invalidate(): void {
    if (this.folded) {
      this.folded.filter.dispose();
      this.folded.bias.dispose();
      this.folded = null;
    }
  }
}
