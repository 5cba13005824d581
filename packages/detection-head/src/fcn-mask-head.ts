import * as tf from '@tensorflow/tfjs-core';
import { Module, type OnnxSession } from '@hrnetjs/core';
import { Conv2d, OnnxGraph, type OnnxWeightDtype, Sequential } from '@hrnetjs/core/ops';

/** ONNX TensorProto.DataType of int64 (Cast target). */
const INT64 = 7;

/** `roi_head.mask_head` (mmdet 2.x `FCNMaskHead`, deconv upsampling). */
export interface MaskHeadConfig {
  numConvs: number;
  /** RoI feature size (14 in mmdet) — must equal the mask RoI extractor's output size. */
  roiFeatSize: number;
  inChannels: number;
  convKernelSize: number;
  convOutChannels: number;
  numClasses: number;
  classAgnostic: boolean;
  /** Deconv kernel = stride (2 in mmdet): masks are roiFeatSize × scaleFactor pixels a side. */
  scaleFactor: number;
  /** `HTCMaskHead` only: its `conv_res` (1×1 ConvModule) for the mask information flow. */
  withConvRes?: boolean;
}

/** mmcv `ConvModule` without norm: `conv` (with bias) + ReLU; keys `{i}.conv.weight/bias`. */
export class ConvModule extends Module {
  readonly conv: Conv2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number) {
    super();
    this.conv = this.child('conv', new Conv2d(inChannels, outChannels, kernelSize, { padding: (kernelSize - 1) >> 1, bias: true }));
  }
}

/**
 * `nn.ConvTranspose2d(in, out, k, stride=k)` (weight [in, out, k, k], bias [out]): with kernel =
 * stride every input pixel writes its own k×k block, so it is one matmul and a pixel shuffle.
 */
export class ConvTranspose2d extends Module {
  private folded: { w: tf.Tensor2D; b: tf.Tensor1D } | null = null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
  ) {
    super();
    this.declare('weight', [inChannels, outChannels, kernelSize, kernelSize]);
    this.declare('bias', [outChannels]);
  }

  /** NHWC [N, H, W, in] → [N, kH, kW, out]. In training mode the weights are the live variables. */
  run(x: tf.Tensor4D): tf.Tensor4D {
    const { inChannels: I, outChannels: O, kernelSize: k } = this;
    if (this.isTraining) {
      return tf.tidy(() => {
        const w = tf.reshape(tf.transpose(this.variable('weight'), [0, 2, 3, 1]), [I, k * k * O]) as tf.Tensor2D;
        return this.apply(x, w, this.variable('bias') as tf.Tensor1D);
      });
    }
    if (!this.folded) {
      // [I, O, ky, kx] → [I, (ky, kx, O)] so the matmul output reshapes to [.., ky, kx, O].
      const w = this.value('weight');
      const m = new Float32Array(I * k * k * O);
      for (let i = 0; i < I; i++)
        for (let o = 0; o < O; o++) for (let y = 0; y < k; y++) for (let xx = 0; xx < k; xx++) m[i * k * k * O + (y * k + xx) * O + o] = w[((i * O + o) * k + y) * k + xx];
      this.folded = tf.tidy(() => ({ w: tf.keep(tf.tensor2d(m, [I, k * k * O])), b: tf.keep(tf.tensor1d(this.value('bias'))) }));
    }
    return this.apply(x, this.folded.w, this.folded.b);
  }

  /** ONNX twin of {@link run} on NCHW `x`: one ConvTranspose (weight [in, out, k, k] as stored, stride k). */
  emitOnnx(g: OnnxGraph, x: string): string {
    const { inChannels: I, outChannels: O, kernelSize: k } = this;
    const w = g.weight('deconv_w', [I, O, k, k], () => this.value('weight'), { owner: this, part: 'weight' });
    const b = g.weight('deconv_b', [O], () => this.value('bias'), { owner: this, part: 'bias' });
    return g.node('ConvTranspose', [x, w, b], { kernel_shape: [k, k], strides: [k, k] }, 'deconv');
  }

  private apply(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor4D {
    const { inChannels: I, outChannels: O, kernelSize: k } = this;
    return tf.tidy(() => {
      const [n, h, wd] = x.shape;
      const y = tf.matMul(tf.reshape(x, [n * h * wd, I]), w);
      const blocks = tf.reshape(y, [n, h, wd, k, k, O]);
      const shuffled = tf.transpose(blocks, [0, 1, 3, 2, 4, 5]);
      return tf.add(tf.reshape(shuffled, [n, h * k, wd * k, O]), b) as tf.Tensor4D;
    });
  }

  protected override invalidate(): void {
    if (this.folded) tf.dispose([this.folded.w, this.folded.b]);
    this.folded = null;
  }
}

/**
 * mmdet 2.x `FCNMaskHead`: `convs.{i}` (3×3 ConvModule + ReLU) → `upsample` (deconv ×2) + ReLU →
 * `conv_logits` (1×1, one channel per class, or one if class-agnostic). Key order as PyTorch's.
 */
export class FCNMaskHead extends Module {
  readonly convs: ConvModule[];
  readonly upsample: ConvTranspose2d;
  readonly convLogits: Conv2d;

  constructor(readonly config: MaskHeadConfig) {
    super();
    const { numConvs, inChannels, convOutChannels: c, convKernelSize: k } = config;
    this.convs = this.child('convs', new Sequential(Array.from({ length: numConvs }, (_, i) => new ConvModule(i === 0 ? inChannels : c, c, k)))).items;
    const upIn = numConvs > 0 ? c : inChannels;
    this.upsample = this.child('upsample', new ConvTranspose2d(upIn, c, config.scaleFactor));
    this.convLogits = this.child('conv_logits', new Conv2d(c, config.classAgnostic ? 1 : config.numClasses, 1, { padding: 0, bias: true }));
  }

  /** Mask size in pixels (28 in mmdet). */
  get maskSize(): number {
    return this.config.roiFeatSize * this.config.scaleFactor;
  }

  /** RoI features NHWC [N, P, P, C] → mask logits NHWC [N, 2P, 2P, classes]. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.logitsOf(this.convFeatures(x)));
  }

  /** `convs` (3×3 + ReLU each): the features HTC's mask information flow passes on. */
  convFeatures(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = x;
      for (const m of this.convs) h = m.conv.run(h, null, true);
      return h;
    });
  }

  /** `upsample` + ReLU + `conv_logits` on the output of {@link convFeatures}. */
  logitsOf(feat: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.convLogits.run(tf.relu(this.upsample.run(feat)), null, false));
  }

  /** ONNX twin of {@link forward} on NCHW RoI features [N, C, P, P] → logits [N, classes, M, M]. */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.emitLogitsOf(g, this.emitConvFeatures(g, x));
  }

  /** ONNX twin of {@link convFeatures} (NCHW). */
  emitConvFeatures(g: OnnxGraph, x: string): string {
    let h = x;
    for (const m of this.convs) h = m.conv.emitOnnx(g, h, null, true);
    return h;
  }

  /** ONNX twin of {@link logitsOf} (NCHW). */
  emitLogitsOf(g: OnnxGraph, feat: string): string {
    return this.convLogits.emitOnnx(g, g.node('Relu', [this.upsample.emitOnnx(g, feat)]), null, false);
  }

  /** What {@link toOnnx}'s graph takes and gives, in words (for `hrnet convert`'s listing). */
  get onnxSignature(): string {
    const { inChannels: C, roiFeatSize: P } = this.config;
    return `inputs roi_feats [N, ${C}·${P}·${P}], labels [N] → mask_logits, mask_probs [N, ${this.maskSize}, ${this.maskSize}]`;
  }

  /** `roi_feats` [N, C·P·P] of a head graph as NCHW [N, C, P, P]. */
  protected emitRoiInput(g: OnnxGraph): string {
    const { inChannels: C, roiFeatSize: P } = this.config;
    const feats = g.input('roi_feats', ['rois', C * P * P]);
    // Reshape dim 0 = "copy N" (also right for N = 0, where -1 would be ambiguous).
    return g.node('Reshape', [feats, g.int64('roi_shape', [0, C, P, P])], {}, 'roi_nchw');
  }

  /** Input `labels` [N] and outputs `mask_logits` / `mask_probs` [N, M, M]: the label channel of logits [N, K, M, M]. */
  protected emitLabelOutputs(g: OnnxGraph, logits: string): void {
    const M = this.maskSize;
    let labels = g.input('labels', ['rois']);
    if (this.config.classAgnostic) labels = g.node('Mul', [labels, g.floats('zero', [0])], {}, 'channel0');
    const index = g.node('Unsqueeze', [g.node('Cast', [labels], { to: INT64 }, 'label_ids'), g.int64('axis1', [1])], {}, 'label_index');
    const picked = g.node('GatherND', [logits, index], { batch_dims: 1 }, 'label_logits'); // [N, M, M]
    g.output(picked, 'mask_logits', ['rois', M, M]);
    g.output(g.node('Sigmoid', [picked], {}, 'mask_probs'), 'mask_probs', ['rois', M, M]);
  }

  /**
   * ONNX model of {@link labelProbabilities}: inputs `roi_feats` [N, C·P·P] (channel-major RoI
   * features, as the RoI extractor gives them; dynamic N) and `labels` [N] (float32 class ids) →
   * `mask_logits` and `mask_probs` (sigmoid) [N, M, M], the channel of each RoI's label (channel 0
   * when class-agnostic). All RoIs of an image go through in one call.
   */
  toOnnx(options: { weights?: OnnxWeightDtype } = {}): Uint8Array {
    const g = new OnnxGraph();
    this.emitLabelOutputs(g, this.emitOnnx(g, this.emitRoiInput(g))); // logits [N, K, M, M]
    return g.encode({ weights: options.weights, docString: 'HRNet.js export of the FCNMaskHead' });
  }

  /**
   * Runs the head on host RoI features ([N, C·P·P], channel-major as the RoI extractor gives them)
   * and returns the sigmoid probabilities of the channel of each RoI's label ([N, M, M] row-major);
   * with `logits` also the raw logits of those channels. With `session` (a session over
   * {@link toOnnx}) the network runs there, all RoIs in one call; else on TF.js.
   */
  async labelProbabilities(roiFeats: Float32Array, labels: Int32Array, session?: OnnxSession): Promise<{ probs: Float32Array; logits: Float32Array }> {
    const { inChannels: C, roiFeatSize: P } = this.config;
    const n = labels.length;
    if (roiFeats.length !== n * C * P * P) throw new Error(`FCNMaskHead: expected ${n}×${C}×${P}×${P} RoI features, got ${roiFeats.length} values`);
    if (session) {
      const out = await session.run({ roi_feats: { data: roiFeats, dims: [n, C * P * P] }, labels: { data: Float32Array.from(labels), dims: [n] } });
      if (!out.mask_probs || !out.mask_logits) throw new Error("the mask head's ONNX session has no output 'mask_probs' / 'mask_logits': export it with FCNMaskHead.toOnnx()");
      return { probs: out.mask_probs.data, logits: out.mask_logits.data };
    }
    const logits = tf.tidy(() => this.forward(roiFeaturesNhwc(roiFeats, n, C, P)));
    try {
      return await labelChannels(logits, labels);
    } finally {
      logits.dispose();
    }
  }
}

/** Host RoI features ([N, C·P·P], channel-major as the RoI extractor gives them) → NHWC [N, P, P, C]. */
export function roiFeaturesNhwc(roiFeats: Float32Array, n: number, channels: number, size: number): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(roiFeats, [n, channels, size, size]), [0, 2, 3, 1]) as tf.Tensor4D);
}

/**
 * The channel of each RoI's label (the only channel when class-agnostic) of mask logits NHWC
 * [N, M, M, K], on the host ([N, M, M] row-major): the logits and their sigmoid. Disposes nothing
 * of the caller's.
 */
export async function labelChannels(logits: tf.Tensor4D, labels: Int32Array): Promise<{ probs: Float32Array; logits: Float32Array }> {
  const [n, M, , K] = logits.shape;
  const out = tf.tidy(() => {
    const flat = tf.reshape(tf.transpose(logits, [0, 3, 1, 2]), [n * K, M * M]);
    const idx = tf.tensor1d(Int32Array.from(labels, (l, i) => i * K + (K === 1 ? 0 : l)), 'int32');
    const picked = tf.gather(flat, idx);
    return { logits: picked, probs: tf.sigmoid(picked) };
  });
  try {
    const [probs, picked] = await Promise.all([out.probs.data(), out.logits.data()]);
    return { probs: probs as Float32Array, logits: picked as Float32Array };
  } finally {
    tf.dispose([out.probs, out.logits]);
  }
}
