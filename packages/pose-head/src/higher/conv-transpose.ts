import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import type { BatchNorm2d } from '@hrnetjs/core/ops';

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

  private foldedWith(bn: BatchNorm2d | null): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
    if (this.folded) return this.folded;
    const { inChannels: i, outChannels: o, kernelSize: k } = this;
    const weight = this.value('weight');
    const scale = new Float64Array(o).fill(1);
    const shift = new Float64Array(o);
    if (bn) bn.foldInto(scale, shift);
    // PyTorch [in, out, kh, kw] → TF conv2dTranspose filter [kh, kw, out, in] (both are the adjoint
    // of the same correlation, so no spatial flip).
    const filter = new Float32Array(weight.length);
    for (let ic = 0; ic < i; ic++) {
      for (let oc = 0; oc < o; oc++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) {
            filter[((y * k + x) * o + oc) * i + ic] = weight[((ic * o + oc) * k + y) * k + x] * scale[oc];
          }
        }
      }
    }
    this.folded = tf.tidy(() => ({
      filter: tf.keep(tf.tensor4d(filter, [k, k, o, i])),
      bias: tf.keep(tf.tensor1d(Float32Array.from(shift))),
    }));
    return this.folded;
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
