import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import { Conv2d, type OnnxGraph, Sequential } from '@hrnetjs/core/ops';
import type { FcosHeadConfig, FcosTestConfig } from './fcos-config.js';
import type { ImageMeta } from './faster-rcnn-config.js';
import { type Detections, nmsDetections } from './multiclass-nms.js';
import { sortByScoreDescending } from './nms.js';

const f32 = Math.fround;

/**
 * `nn.GroupNorm` (affine): per sample, the channels split into `numGroups` groups, each normalised
 * by its own mean and biased variance over its channels and all positions, then `weight · x + bias`
 * per channel. Keys `weight`, `bias`. NHWC in and out.
 */
export class GroupNorm extends Module {
  private affine: { gamma: tf.Tensor1D; beta: tf.Tensor1D } | null = null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    readonly eps = 1e-5,
  ) {
    super();
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: ${numGroups} groups do not divide ${numChannels} channels`);
    this.declare('weight', [numChannels]);
    this.declare('bias', [numChannels]);
  }

  protected override initialValue(name: string, shape: number[]): Float32Array {
    return new Float32Array(shape[0]).fill(name === 'weight' ? 1 : 0);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    if (!this.affine) {
      this.affine = tf.tidy(() => ({ gamma: tf.keep(tf.tensor1d(this.value('weight'))), beta: tf.keep(tf.tensor1d(this.value('bias'))) }));
    }
    const { gamma, beta } = this.affine;
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const grouped = tf.reshape(x, [b, h * w, this.numGroups, c / this.numGroups]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(tf.reshape(normed, [b, h, w, c]), gamma), beta) as tf.Tensor4D;
    });
  }

  /**
   * ONNX twin of {@link forward} on NCHW `x` (opset 17 has no GroupNormalization): Reshape to
   * [N, G, C/G·H·W], InstanceNormalization (scale 1, bias 0), Reshape back, then × weight + bias.
   */
  emitOnnx(g: OnnxGraph, x: string): string {
    const G = this.numGroups;
    const C = this.numChannels;
    const grouped = g.node('Reshape', [x, g.int64('gn_groups', [0, G, -1])], {}, 'gn_grouped');
    const ones = g.weight('gn_ones', [G], () => new Float32Array(G).fill(1), { owner: this, part: 'ones' });
    const zeros = g.weight('gn_zeros', [G], () => new Float32Array(G), { owner: this, part: 'zeros' });
    const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { f: this.eps } }, 'gn_norm');
    const back = g.node('Reshape', [normed, g.node('Shape', [x], {}, 'gn_shape')], {}, 'gn_ungrouped');
    const gamma = g.weight('gn_weight', [C, 1, 1], () => this.value('weight'), { owner: this, part: 'weight' });
    const beta = g.weight('gn_bias', [C, 1, 1], () => this.value('bias'), { owner: this, part: 'bias' });
    return g.node('Add', [g.node('Mul', [back, gamma]), beta], {}, 'gn');
  }

  protected override invalidate(): void {
    if (this.affine) {
      tf.dispose([this.affine.gamma, this.affine.beta]);
      this.affine = null;
    }
  }
}

/** mmcv `ConvModule` of a tower: `conv` 3×3 (bias unless normed), optional `gn`, then ReLU. */
class TowerConv extends Module {
  readonly conv: Conv2d;
  readonly gn: GroupNorm | null;

  constructor(inChannels: number, cfg: FcosHeadConfig) {
    super();
    this.conv = this.child('conv', new Conv2d(inChannels, cfg.featChannels, 3, { bias: cfg.convBias }));
    this.gn = cfg.norm ? this.child('gn', new GroupNorm(cfg.norm.numGroups, cfg.featChannels, cfg.norm.eps)) : null;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const gn = this.gn;
    if (!gn) return this.conv.forwardRelu(x);
    return tf.tidy(() => tf.relu(gn.forward(this.conv.forward(x))));
  }

  emitOnnx(g: OnnxGraph, x: string): string {
    if (!this.gn) return this.conv.emitOnnx(g, x, null, true);
    return g.node('Relu', [this.gn.emitOnnx(g, this.conv.emitOnnx(g, x, null, false))]);
  }
}

/** mmcv `Scale`: one learnable scalar (`scale`, shape []) multiplying a level's box regression. */
class Scale extends Module {
  constructor() {
    super();
    this.declare('scale', []);
  }

  protected override initialValue(): Float32Array {
    return Float32Array.of(1);
  }

  get factor(): number {
    return this.value('scale')[0];
  }
}

/** Per-level head outputs (NHWC): class logits [B, H, W, K], box distances [B, H, W, 4], centerness logits [B, H, W, 1]. */
export interface FcosHeadOutputs {
  clsScores: tf.Tensor4D[];
  bboxPreds: tf.Tensor4D[];
  centernesses: tf.Tensor4D[];
}

/** One level of one image on the host, HWC order (mmdet's `permute(1, 2, 0).reshape(-1, ·)`). */
export interface FcosLevelOutput {
  /** Class logits [H·W × K]. */
  cls: Float32Array;
  /** Box distances (left, top, right, bottom) [H·W × 4], after Scale and exp (or relu × stride). */
  reg: Float32Array;
  /** Centerness logits [H·W]. */
  centerness: Float32Array;
  height: number;
  width: number;
}

/** Options of {@link FCOSHead.getBboxes}. */
export interface FcosGetBboxesOptions {
  /** Divide the boxes by `meta.scaleFactor` (original-image coordinates). */
  rescale: boolean;
  /** Only these 0-based labels stay candidates (dropped after each level's nms_pre cut, before NMS). */
  allowedLabels?: ReadonlySet<number>;
}

/**
 * mmdet 2.x `FCOSHead` (an `AnchorFreeHead`): `cls_convs` and `reg_convs` towers of `stacked_convs`
 * 3×3 ConvModules (GroupNorm + ReLU), `conv_cls` (one sigmoid logit per class), `conv_reg` (4
 * distances), `conv_centerness` (on the cls tower, or the reg tower with `centerness_on_reg`) and one
 * `Scale` per level; all convs are shared by the levels. Keys `cls_convs.{i}.conv.weight`,
 * `cls_convs.{i}.gn.*`, …, `conv_cls.*`, `conv_reg.*`, `conv_centerness.*`, `scales.{l}.scale`.
 */
export class FCOSHead extends Module {
  readonly clsConvs: TowerConv[];
  readonly regConvs: TowerConv[];
  readonly convCls: Conv2d;
  readonly convReg: Conv2d;
  readonly convCenterness: Conv2d;
  private readonly scales: Scale[];

  constructor(readonly config: FcosHeadConfig) {
    super();
    const tower = () => Array.from({ length: config.stackedConvs }, (_, i) => new TowerConv(i === 0 ? config.inChannels : config.featChannels, config));
    this.clsConvs = this.child('cls_convs', new Sequential(tower())).items;
    this.regConvs = this.child('reg_convs', new Sequential(tower())).items;
    this.convCls = this.child('conv_cls', new Conv2d(config.featChannels, config.numClasses, 3, { bias: true }));
    this.convReg = this.child('conv_reg', new Conv2d(config.featChannels, 4, 3, { bias: true }));
    this.convCenterness = this.child('conv_centerness', new Conv2d(config.featChannels, 1, 3, { bias: true }));
    this.scales = this.child('scales', new Sequential(config.strides.map(() => new Scale()))).items;
  }

  get numLevels(): number {
    return this.config.strides.length;
  }

  /** `forward` (mmdet `forward_single` per level) on NHWC levels, finest first. */
  forward(levels: tf.Tensor4D[]): FcosHeadOutputs {
    if (levels.length !== this.numLevels) throw new Error(`FCOSHead: ${levels.length} feature levels for ${this.numLevels} strides`);
    const out: FcosHeadOutputs = { clsScores: [], bboxPreds: [], centernesses: [] };
    levels.forEach((x, l) => {
      const [cls, reg, ctr] = tf.tidy(() => {
        const clsFeat = this.clsConvs.reduce((t, m) => m.forward(t), x);
        const regFeat = this.regConvs.reduce((t, m) => m.forward(t), x);
        const centerness = this.convCenterness.forward(this.config.centernessOnReg ? regFeat : clsFeat);
        const scaled = tf.mul(this.convReg.forward(regFeat), this.scales[l].factor);
        const distances = this.config.normOnBbox ? tf.mul(tf.relu(scaled), this.config.strides[l]) : tf.exp(scaled);
        return [this.convCls.forward(clsFeat), distances as tf.Tensor4D, centerness];
      });
      out.clsScores.push(cls);
      out.bboxPreds.push(reg);
      out.centernesses.push(ctr);
    });
    return out;
  }

  /** ONNX twin of {@link forward} (NCHW values): the shared convs are stored once for all levels. */
  emitOnnx(g: OnnxGraph, levels: string[]): { clsScores: string[]; bboxPreds: string[]; centernesses: string[] } {
    if (levels.length !== this.numLevels) throw new Error(`FCOSHead: ${levels.length} feature levels for ${this.numLevels} strides`);
    const out = { clsScores: [] as string[], bboxPreds: [] as string[], centernesses: [] as string[] };
    levels.forEach((x, l) => {
      const clsFeat = this.clsConvs.reduce((t, m) => m.emitOnnx(g, t), x);
      const regFeat = this.regConvs.reduce((t, m) => m.emitOnnx(g, t), x);
      out.clsScores.push(this.convCls.emitOnnx(g, clsFeat, null, false));
      out.centernesses.push(this.convCenterness.emitOnnx(g, this.config.centernessOnReg ? regFeat : clsFeat, null, false));
      const scale = this.scales[l];
      const factor = g.weight('fcos_scale', [], () => Float32Array.of(scale.factor), { owner: scale, part: 'scale' });
      const scaled = g.node('Mul', [this.convReg.emitOnnx(g, regFeat, null, false), factor], {}, 'fcos_scaled');
      out.bboxPreds.push(
        this.config.normOnBbox
          ? g.node('Mul', [g.node('Relu', [scaled]), g.floats('fcos_stride', [this.config.strides[l]])], {}, 'fcos_distances')
          : g.node('Exp', [scaled], {}, 'fcos_distances'),
      );
    });
    return out;
  }

  /** Runs {@link forward} on one image and downloads the outputs; no tensor stays alive. */
  async forwardToHost(levels: tf.Tensor4D[]): Promise<FcosLevelOutput[]> {
    const { clsScores, bboxPreds, centernesses } = this.forward(levels);
    try {
      return await Promise.all(
        clsScores.map(async (c, l) => ({
          cls: (await c.data()) as Float32Array,
          reg: (await bboxPreds[l].data()) as Float32Array,
          centerness: (await centernesses[l].data()) as Float32Array,
          height: c.shape[1],
          width: c.shape[2],
        })),
      );
    } finally {
      tf.dispose([...clsScores, ...bboxPreds, ...centernesses]);
    }
  }

  /**
   * Points of one level as mmdet 2.x's `MlvlPointGenerator` (offset 0.5) places them: x = (j + 0.5) ·
   * stride, y = (i + 0.5) · stride, row-major — for the even strides of FCOS the same as the older
   * `j · stride + stride // 2`. Flat [H·W × 2].
   */
  points(level: number, height: number, width: number): Float32Array {
    const stride = this.config.strides[level];
    const out = new Float32Array(height * width * 2);
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        out[2 * (i * width + j)] = (j + 0.5) * stride;
        out[2 * (i * width + j) + 1] = (i + 0.5) * stride;
      }
    }
    return out;
  }

  /**
   * mmdet 2.x `BaseDenseHead.get_bboxes` for one image (with score factors, as FCOS calls it): per
   * level the sigmoid class scores, `filter_scores_and_topk` (pairs with score > scoreThr, then the
   * best nmsPre (point, class) pairs), `distance2bbox` clipped to `meta.imgShape`; then ÷ scaleFactor
   * when rescaling, scores × sigmoid(centerness), per-class `batched_nms` and the first maxPerImg.
   * float32 arithmetic as PyTorch's; boxes flat [N × 4], score-descending.
   */
  getBboxes(outputs: FcosLevelOutput[], meta: ImageMeta, cfg: FcosTestConfig, options: FcosGetBboxesOptions): Detections {
    if (outputs.length !== this.numLevels) throw new Error(`FCOSHead: ${outputs.length} levels of outputs for ${this.numLevels} strides`);
    const k = this.config.numClasses;
    const [imgH, imgW] = meta.imgShape;
    const sf = meta.scaleFactor.map(f32);
    const thr = f32(cfg.scoreThr);
    const boxes: number[] = [];
    const scores: number[] = [];
    const labels: number[] = [];
    outputs.forEach((out, level) => {
      const n = out.height * out.width;
      if (out.cls.length !== n * k || out.reg.length !== n * 4 || out.centerness.length !== n) {
        throw new Error(`FCOSHead: level ${level} outputs do not fit ${out.height}×${out.width} points and ${k} classes`);
      }
      // filter_scores_and_topk: (point, class) pairs above the threshold, best first, nms_pre of them.
      const pairScores = new Float32Array(n * k);
      const pairs = new Int32Array(n * k);
      let m = 0;
      for (let i = 0; i < n * k; i++) {
        const s = f32(1 / (1 + Math.exp(-out.cls[i])));
        if (s > thr) {
          pairScores[m] = s;
          pairs[m++] = i;
        }
      }
      let order = sortByScoreDescending(pairScores.subarray(0, m));
      if (cfg.nmsPre > 0 && cfg.nmsPre < m) order = order.subarray(0, cfg.nmsPre);
      const points = this.points(level, out.height, out.width);
      for (const o of order) {
        const p = Math.floor(pairs[o] / k);
        const label = pairs[o] % k;
        if (options.allowedLabels && !options.allowedLabels.has(label)) continue;
        const [px, py] = [points[2 * p], points[2 * p + 1]];
        let x1 = f32(px - out.reg[4 * p]);
        let y1 = f32(py - out.reg[4 * p + 1]);
        let x2 = f32(px + out.reg[4 * p + 2]);
        let y2 = f32(py + out.reg[4 * p + 3]);
        if (this.config.clipBorder) {
          [x1, x2] = [x1, x2].map((v) => Math.min(Math.max(v, 0), imgW));
          [y1, y2] = [y1, y2].map((v) => Math.min(Math.max(v, 0), imgH));
        }
        if (options.rescale) {
          [x1, y1, x2, y2] = [f32(x1 / sf[0]), f32(y1 / sf[1]), f32(x2 / sf[2]), f32(y2 / sf[3])];
        }
        boxes.push(x1, y1, x2, y2);
        scores.push(f32(pairScores[o] * f32(1 / (1 + Math.exp(-out.centerness[p])))));
        labels.push(label);
      }
    });
    return nmsDetections(Float32Array.from(boxes), Float32Array.from(scores), Int32Array.from(labels), cfg);
  }
}
