import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import { Conv2d, type OnnxGraph } from '@hrnetjs/core/ops';
import { AnchorGenerator } from './anchor-generator.js';
import { deltaXYWHDecode } from './delta-xywh-coder.js';
import type { RPNHeadConfig, RpnTestConfig } from './faster-rcnn-config.js';
import { batchedNms, sortByScoreDescending } from './nms.js';

/** Raw RPN outputs of one level on the host: HWC-ordered logits [H·W·A] and deltas [H·W·A × 4]. */
export interface RpnLevelOutput {
  logits: Float32Array;
  deltas: Float32Array;
  height: number;
  width: number;
}

/** Proposals: flat [N × 5] (x1, y1, x2, y2, score), score-descending. */
export type Proposals = Float32Array;

/**
 * mmdet 2.x `RPNHead`: `rpn_conv` 3×3 + ReLU shared by all levels, `rpn_cls` 1×1 (one sigmoid
 * logit per anchor) and `rpn_reg` 1×1 (4 deltas per anchor). Keys `rpn_conv.*`, `rpn_cls.*`,
 * `rpn_reg.*`. `forward` is plain TF.js (differentiable when the convs train);
 * `getProposals` is the test-time post-processing (`_get_bboxes_single`).
 */
export class RPNHead extends Module {
  readonly rpnConv: Conv2d;
  readonly rpnCls: Conv2d;
  readonly rpnReg: Conv2d;
  readonly anchorGenerator: AnchorGenerator;

  constructor(readonly config: RPNHeadConfig) {
    super();
    this.anchorGenerator = new AnchorGenerator(config.anchorGenerator);
    const a = this.anchorGenerator.numBaseAnchors;
    this.rpnConv = this.child('rpn_conv', new Conv2d(config.inChannels, config.featChannels, 3, { bias: true }));
    this.rpnCls = this.child('rpn_cls', new Conv2d(config.featChannels, a, 1, { bias: true }));
    this.rpnReg = this.child('rpn_reg', new Conv2d(config.featChannels, 4 * a, 1, { bias: true }));
  }

  /** Per level (NHWC): objectness logits [B, H, W, A] and deltas [B, H, W, 4A]. */
  forward(levels: tf.Tensor4D[]): { clsScores: tf.Tensor4D[]; bboxPreds: tf.Tensor4D[] } {
    if (levels.length !== this.anchorGenerator.numLevels) {
      throw new Error(`RPNHead: ${levels.length} feature levels for ${this.anchorGenerator.numLevels} anchor strides`);
    }
    const clsScores: tf.Tensor4D[] = [];
    const bboxPreds: tf.Tensor4D[] = [];
    for (const x of levels) {
      const feat = this.rpnConv.forwardRelu(x);
      clsScores.push(this.rpnCls.forward(feat));
      bboxPreds.push(this.rpnReg.forward(feat));
      feat.dispose();
    }
    return { clsScores, bboxPreds };
  }

  /** ONNX twin of {@link forward} (NCHW): the shared convs are stored once for all levels. */
  emitOnnx(g: OnnxGraph, levels: string[]): { clsScores: string[]; bboxPreds: string[] } {
    const clsScores: string[] = [];
    const bboxPreds: string[] = [];
    for (const x of levels) {
      const feat = this.rpnConv.emitOnnx(g, x, null, true);
      clsScores.push(this.rpnCls.emitOnnx(g, feat, null, false));
      bboxPreds.push(this.rpnReg.emitOnnx(g, feat, null, false));
    }
    return { clsScores, bboxPreds };
  }

  /** Runs {@link forward} on one image and downloads the outputs; no tensor stays alive. */
  async forwardToHost(levels: tf.Tensor4D[]): Promise<RpnLevelOutput[]> {
    const { clsScores, bboxPreds } = tf.tidy(() => this.forward(levels));
    try {
      return await Promise.all(
        clsScores.map(async (c, i) => ({
          logits: (await c.data()) as Float32Array,
          deltas: (await bboxPreds[i].data()) as Float32Array,
          height: c.shape[1],
          width: c.shape[2],
        })),
      );
    } finally {
      tf.dispose([...clsScores, ...bboxPreds]);
    }
  }

  /**
   * mmdet 2.x test-time proposals: per level the top `nmsPre` anchors by sigmoid score, decoded
   * and clipped to `imgShape` ([h, w]); boxes with width or height ≤ minBboxSize dropped; NMS
   * within each level (batched by level id); the first `maxPerImg`. Returns flat [N × 5].
   */
  getProposals(outputs: RpnLevelOutput[], imgShape: readonly [number, number], cfg: RpnTestConfig): Proposals {
    const scores: number[] = [];
    const anchors: number[] = [];
    const deltas: number[] = [];
    const levelIds: number[] = [];
    outputs.forEach((out, level) => {
      const all = this.anchorGenerator.gridAnchors(level, out.height, out.width);
      const n = out.logits.length;
      if (all.length !== n * 4) throw new Error(`RPNHead: level ${level} has ${n} logits but ${all.length / 4} anchors`);
      const probs = new Float32Array(n);
      for (let i = 0; i < n; i++) probs[i] = 1 / (1 + Math.exp(-out.logits[i]));
      let order = sortByScoreDescending(probs);
      if (cfg.nmsPre > 0 && cfg.nmsPre < n) order = order.subarray(0, cfg.nmsPre);
      for (const i of order) {
        scores.push(probs[i]);
        levelIds.push(level);
        for (let c = 0; c < 4; c++) {
          anchors.push(all[4 * i + c]);
          deltas.push(out.deltas[4 * i + c]);
        }
      }
    });
    const boxes = deltaXYWHDecode(Float32Array.from(anchors), Float32Array.from(deltas), this.config.bboxCoder, imgShape);
    // min_bbox_size: keep w > min and h > min (so 0 drops degenerate boxes).
    const valid: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      const w = Math.fround(boxes[4 * i + 2] - boxes[4 * i]);
      const h = Math.fround(boxes[4 * i + 3] - boxes[4 * i + 1]);
      if (cfg.minBboxSize < 0 || (w > cfg.minBboxSize && h > cfg.minBboxSize)) valid.push(i);
    }
    const vBoxes = new Float32Array(valid.length * 4);
    const vScores = new Float32Array(valid.length);
    const vIds = new Int32Array(valid.length);
    valid.forEach((i, k) => {
      vBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      vScores[k] = scores[i];
      vIds[k] = levelIds[i];
    });
    const keep = batchedNms(vBoxes, vScores, vIds, { iouThreshold: cfg.iouThreshold }).subarray(0, cfg.maxPerImg);
    const proposals = new Float32Array(keep.length * 5);
    keep.forEach((k, j) => {
      proposals.set(vBoxes.subarray(4 * k, 4 * k + 4), 5 * j);
      proposals[5 * j + 4] = vScores[k];
    });
    return proposals;
  }
}
