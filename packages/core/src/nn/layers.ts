import * as tf from '@tensorflow/tfjs-core';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { conv2dTrainable } from '../train/conv2d-trainable.js';
import { filled, kaimingNormal } from './init.js';
import { Module } from './module.js';

/** PyTorch's BatchNorm eps (all HRNet code uses the default). */
export const BN_EPS = 1e-5;

/** `nn.Conv2d` (square kernel, padding k//2 unless given). Weight layout OIHW as in PyTorch. */
export class Conv2d extends Module {
  readonly padding: number;
  private folded: { filter: tf.Tensor4D; bias: tf.Tensor1D } | null = null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly options: { stride?: number; padding?: number; bias?: boolean } = {},
  ) {
    super();
    this.padding = options.padding ?? Math.floor(kernelSize / 2);
    this.declare('weight', [outChannels, inChannels, kernelSize, kernelSize]);
    if (options.bias) this.declare('bias', [outChannels]);
  }

  get stride(): number {
    return this.options.stride ?? 1;
  }

  protected override initialValue(name: string, shape: number[]): Float32Array {
    return name === 'weight' ? kaimingNormal(shape) : filled(shape, 0);
  }

  /**
   * Filter (HWIO) and bias with the following BatchNorm folded in, built once and cached:
   * inference runs one fused conv + bias (+ ReLU) per conv/BN pair.
   */
  foldedWith(bn: BatchNorm2d | null): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
    if (this.folded) return this.folded;
    const { outChannels: o, inChannels: i, kernelSize: k } = this;
    const { weight, bias } = this.foldedOIHW(bn);
    // OIHW → HWIO.
    const filter = new Float32Array(weight.length);
    for (let oc = 0; oc < o; oc++) {
      for (let ic = 0; ic < i; ic++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) {
            filter[((y * k + x) * i + ic) * o + oc] = weight[((oc * i + ic) * k + y) * k + x];
          }
        }
      }
    }
    this.folded = tf.tidy(() => ({
      filter: tf.keep(tf.tensor4d(filter, [k, k, i, o])),
      bias: tf.keep(tf.tensor1d(bias)),
    }));
    return this.folded;
  }

  /** Weight (OIHW, PyTorch / ONNX layout) and bias with the following BatchNorm folded in. */
  foldedOIHW(bn: BatchNorm2d | null): { weight: Float32Array; bias: Float32Array } {
    const o = this.outChannels;
    const weight = this.value('weight');
    const { scale, shift } = this.foldedAffine(bn);
    const per = weight.length / o;
    const out = new Float32Array(weight.length);
    for (let oc = 0; oc < o; oc++) {
      for (let j = 0; j < per; j++) out[oc * per + j] = weight[oc * per + j] * scale[oc];
    }
    return { weight: out, bias: Float32Array.from(shift) };
  }

  /** Per-output-channel scale and shift of conv bias + BN (float64). */
  private foldedAffine(bn: BatchNorm2d | null): { scale: Float64Array; shift: Float64Array } {
    const o = this.outChannels;
    const scale = new Float64Array(o).fill(1);
    const shift = new Float64Array(o);
    if (this.options.bias) {
      const b = this.value('bias');
      for (let c = 0; c < o; c++) shift[c] = b[c];
    }
    if (bn) bn.foldInto(scale, shift);
    return { scale, shift };
  }

  /**
   * ONNX twin of {@link run}: Conv (BN folded, explicit pads) + optional Relu on NCHW `x`.
   *
   * onnxruntime's WebGPU execution provider (1.30, its channels-last Conv2dMM shader) reads the wrong
   * input channels when in_channels is a multiple of 3 but not of 4 (above 3) and out_channels a
   * multiple of 4 — e.g. the 18 → 36 / 72 / 144 downsampling convs of every W18 network, or W30's 30 →
   * 60. There `x` is zero-padded to a multiple of 4 channels and the weights get zero columns for
   * the added channels: the same numbers on every provider, one Pad node more.
   */
  emitOnnx(g: OnnxGraph, x: string, bn: BatchNorm2d | null, relu: boolean): string {
    const { outChannels: o, inChannels: i, kernelSize: k } = this;
    const padded = webgpuConvNeedsPadding(i, o) ? i + ((4 - (i % 4)) % 4) : i;
    // Folded when the model bytes are written, one conv at a time.
    const w =
      padded === i
        ? g.weight('conv_w', [o, i, k, k], () => this.foldedOIHW(bn).weight, { owner: this, part: 'weight' })
        : g.weight('conv_w', [o, padded, k, k], () => padInputChannels(this.foldedOIHW(bn).weight, o, i, padded, k * k), { owner: this, part: 'weight_padded' });
    const b = g.weight('conv_b', [o], () => Float32Array.from(this.foldedAffine(bn).shift), { owner: this, part: 'bias' });
    const input = padded === i ? x : g.node('Pad', [x, g.int64('channel_pads', [0, 0, 0, 0, 0, padded - i, 0, 0])], {}, 'channel_pad');
    const p = this.padding;
    const y = g.node('Conv', [input, w, b], { kernel_shape: [k, k], strides: [this.stride, this.stride], pads: [p, p, p, p] }, 'conv');
    return relu ? g.node('Relu', [y]) : y;
  }

  /** The plain convolution (PyTorch's `conv(x)`: no BatchNorm, no ReLU); NHWC in and out. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.run(x, null, false);
  }

  /** `relu(conv(x))`, no BatchNorm (mmdet's `F.relu(self.rpn_conv(x))`). */
  forwardRelu(x: tf.Tensor4D): tf.Tensor4D {
    return this.run(x, null, true);
  }

  /**
   * Runs this conv, then `bn` and an optional ReLU; input and output NHWC. Inference uses one fused
   * conv with the BN folded in; training runs them apart on variables (BN on batch statistics).
   */
  run(x: tf.Tensor4D, bn: BatchNorm2d | null, relu: boolean): tf.Tensor4D {
    if (this.isTraining) return this.runTraining(x, bn, relu);
    const { filter, bias } = this.foldedWith(bn);
    const p = this.padding;
    // PyTorch pads explicitly; TF's 'same' differs for stride-2 convs on even inputs.
    const pad: [[number, number], [number, number], [number, number], [number, number]] | 'valid' =
      p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]];
    return tf.fused.conv2d({
      x,
      filter,
      strides: this.stride,
      pad,
      bias,
      activation: relu ? 'relu' : 'linear',
    });
  }

  private runTraining(x: tf.Tensor4D, bn: BatchNorm2d | null, relu: boolean): tf.Tensor4D {
    const filter = tf.transpose(this.variable('weight'), [2, 3, 1, 0]) as tf.Tensor4D; // OIHW → HWIO
    let y = conv2dTrainable(x, filter, this.stride, this.padding);
    if (this.options.bias) y = tf.add(y, this.variable('bias'));
    if (bn) y = bn.forwardTraining(y);
    return relu ? tf.relu(y) : y;
  }

  protected override invalidate(): void {
    if (this.folded) {
      this.folded.filter.dispose();
      this.folded.bias.dispose();
      this.folded = null;
    }
  }
}

/**
 * `nn.BatchNorm2d` in eval mode. `inplace-abn` reproduces InPlaceABNSync checkpoints
 * (`*_torch04`), whose kernel uses |γ| + ε as the scale; they carry no
 * `num_batches_tracked`.
 */
export class BatchNorm2d extends Module {
  /** Running-stat update rate while training (PyTorch's momentum; the seg code uses 0.01). */
  momentum = 0.1;

  /**
   * mmdet's `norm_eval`: while training, normalise with the running statistics and leave them
   * unchanged (γ and β still learn). Detectors fine-tuned from ImageNet weights use it.
   */
  normEval = false;

  constructor(
    readonly numFeatures: number,
    readonly mode: 'standard' | 'inplace-abn' = 'standard',
  ) {
    super();
    this.declare('weight', [numFeatures]);
    this.declare('bias', [numFeatures]);
    this.declare('running_mean', [numFeatures], 'buffer');
    this.declare('running_var', [numFeatures], 'buffer');
    if (mode === 'standard') this.declare('num_batches_tracked', [], 'counter');
  }

  protected override initialValue(name: string, shape: number[]): Float32Array {
    return filled(shape, name === 'weight' || name === 'running_var' ? 1 : 0);
  }

  /**
   * Training forward: normalise with the batch's own mean / biased variance, and move the running
   * stats towards the batch's (unbiased variance), as PyTorch's BatchNorm2d does in train mode.
   */
  forwardTraining(y: tf.Tensor4D): tf.Tensor4D {
    if (this.normEval) return this.normalize(y, this.variable('running_mean'), this.variable('running_var'));
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    const count = y.size / this.numFeatures;
    tf.tidy(() => {
      const m = this.momentum;
      const runningMean = this.variable('running_mean');
      const runningVar = this.variable('running_var');
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - m), tf.mul(mean, m)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - m), tf.mul(unbiased, m)));
    });
    return this.normalize(y, mean, variance);
  }

  private normalize(y: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor4D {
    const weight = this.variable('weight');
    const gamma = this.mode === 'inplace-abn' ? tf.add(tf.abs(weight), BN_EPS) : weight;
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPS)));
    return tf.add(tf.mul(tf.sub(y, mean), scale), this.variable('bias')) as tf.Tensor4D;
  }

  /** Per-channel affine of this BN: scale' = scale·a, shift' = shift·a + b (float64 to keep precision). */
  foldInto(scale: Float64Array, shift: Float64Array): void {
    const w = this.value('weight');
    const b = this.value('bias');
    const mean = this.value('running_mean');
    const variance = this.value('running_var');
    for (let c = 0; c < this.numFeatures; c++) {
      const gamma = this.mode === 'inplace-abn' ? Math.abs(w[c]) + BN_EPS : w[c];
      const a = gamma / Math.sqrt(variance[c] + BN_EPS);
      scale[c] *= a;
      shift[c] = (shift[c] - mean[c]) * a + b[c];
    }
  }
}

/** `nn.Linear`: weight [out, in], bias [out]. */
export class Linear extends Module {
  private compiled: { weight: tf.Tensor2D; bias: tf.Tensor1D } | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {
    super();
    this.declare('weight', [outFeatures, inFeatures]);
    this.declare('bias', [outFeatures]);
  }

  protected override initialValue(name: string, shape: number[]): Float32Array {
    return name === 'weight' ? kaimingNormal(shape) : filled(shape, 0);
  }

  /** x [N, in] → [N, out]. */
  run(x: tf.Tensor2D): tf.Tensor2D {
    if (this.isTraining) {
      return tf.add(tf.matMul(x, this.variable('weight'), false, true), this.variable('bias'));
    }
    if (!this.compiled) {
      this.compiled = tf.tidy(() => ({
        weight: tf.keep(tf.tensor2d(this.value('weight'), [this.outFeatures, this.inFeatures])),
        bias: tf.keep(tf.tensor1d(this.value('bias'))),
      }));
    }
    return tf.add(tf.matMul(x, this.compiled.weight, false, true), this.compiled.bias);
  }

  /** ONNX twin of {@link run}: Gemm with the weight transposed, x [N, in] → [N, out]. */
  emitOnnx(g: OnnxGraph, x: string): string {
    const w = g.weight('fc_w', [this.outFeatures, this.inFeatures], () => this.value('weight'), { owner: this, part: 'weight' });
    const b = g.weight('fc_b', [this.outFeatures], () => this.value('bias'), { owner: this, part: 'bias' });
    return g.node('Gemm', [x, w, b], { transB: 1 }, 'fc');
  }

  protected override invalidate(): void {
    if (this.compiled) {
      this.compiled.weight.dispose();
      this.compiled.bias.dispose();
      this.compiled = null;
    }
  }
}

/** A parameter-free module (ReLU, Upsample): holds its index in a Sequential, nothing else. */
export class Stateless extends Module {
  constructor(readonly kind: 'relu' | 'upsample' | 'dropout') {
    super();
  }
}

/** `nn.Sequential` / `nn.ModuleList`: children named 0, 1, 2 … (`null` keeps an empty slot). */
export class Sequential<M extends Module | null = Module | null> extends Module {
  readonly items: M[];

  constructor(items: M[]) {
    super();
    this.items = items;
    items.forEach((m, i) => this.child(String(i), m));
  }
}

/** The channel counts onnxruntime's WebGPU Conv gets wrong (see {@link Conv2d.emitOnnx}). */
function webgpuConvNeedsPadding(inChannels: number, outChannels: number): boolean {
  return inChannels > 3 && inChannels % 3 === 0 && inChannels % 4 !== 0 && outChannels % 4 === 0;
}

/** OIHW weights with zero input channels appended: [o, i, …] → [o, padded, …] (`area` = kh·kw). */
function padInputChannels(weight: Float32Array, o: number, i: number, padded: number, area: number): Float32Array {
  const out = new Float32Array(o * padded * area);
  for (let oc = 0; oc < o; oc++) out.set(weight.subarray(oc * i * area, (oc + 1) * i * area), oc * padded * area);
  return out;
}
