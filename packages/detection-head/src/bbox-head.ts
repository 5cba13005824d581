import * as tf from '@tensorflow/tfjs-core';
import { Module, type OnnxSession } from '@hrnetjs/core';
import { Linear, OnnxGraph, type OnnxWeightDtype, Sequential } from '@hrnetjs/core/ops';
import { deltaXYWHDecode } from './delta-xywh-coder.js';
import type { BBoxHeadConfig, ImageMeta } from './faster-rcnn-config.js';
import { type Detections, multiclassNms, type RcnnTestConfig } from './multiclass-nms.js';

/**
 * mmdet 2.x `Shared2FCBBoxHead` (`ConvFCBBoxHead` with shared FCs only): RoI features flattened
 * channel-major → `shared_fcs.{i}` + ReLU → `fc_cls` (numClasses + 1 logits, background LAST) and
 * `fc_reg` (4 deltas per class, or 4 if class-agnostic). Key order as in PyTorch: `fc_cls`,
 * `fc_reg`, `shared_fcs` (ConvFCBBoxHead re-creates the first two after its parent made them).
 */
export class Shared2FCBBoxHead extends Module {
  readonly fcCls: Linear;
  readonly fcReg: Linear;
  readonly sharedFcs: Linear[];

  constructor(readonly config: BBoxHeadConfig) {
    super();
    const { inChannels, roiFeatSize, fcOutChannels, numClasses, numSharedFcs } = config;
    this.fcCls = this.child('fc_cls', new Linear(fcOutChannels, numClasses + 1));
    this.fcReg = this.child('fc_reg', new Linear(fcOutChannels, config.regClassAgnostic ? 4 : 4 * numClasses));
    const fcs = Array.from({ length: numSharedFcs }, (_, i) => new Linear(i === 0 ? inChannels * roiFeatSize ** 2 : fcOutChannels, fcOutChannels));
    this.sharedFcs = this.child('shared_fcs', new Sequential(fcs)).items;
  }

  /** RoI features [N, C·P·P] (channel-major) → class logits [N, K + 1] and deltas [N, 4K]. */
  forward(x: tf.Tensor2D): { clsScore: tf.Tensor2D; bboxPred: tf.Tensor2D } {
    return tf.tidy(() => {
      let h = x;
      for (const fc of this.sharedFcs) h = tf.relu(fc.run(h));
      return { clsScore: this.fcCls.run(h), bboxPred: this.fcReg.run(h) };
    });
  }

  /**
   * ONNX model of {@link forward} plus the softmax: input `roi_feats` [N, C·P·P] (channel-major RoI
   * features, dynamic N) → `cls_score`, `scores` [N, K + 1] and `bbox_pred`.
   */
  toOnnx(options: { weights?: OnnxWeightDtype } = {}): Uint8Array {
    const g = new OnnxGraph();
    const { clsScore, bboxPred } = this.emitOnnx(g, g.input('roi_feats', ['rois', this.sharedFcsInFeatures]));
    const k = this.config.numClasses + 1;
    g.output(clsScore, 'cls_score', ['rois', k]);
    g.output(g.node('Softmax', [clsScore], { axis: 1 }, 'scores'), 'scores', ['rois', k]);
    g.output(bboxPred, 'bbox_pred', ['rois', this.config.regClassAgnostic ? 4 : 4 * this.config.numClasses]);
    return g.encode({ weights: options.weights, docString: 'HRNet.js export of the Shared2FCBBoxHead' });
  }

  /** ONNX twin of {@link forward}: RoI features [N, C·P·P] → `clsScore` [N, K + 1] and `bboxPred`. */
  emitOnnx(g: OnnxGraph, x: string): { clsScore: string; bboxPred: string } {
    let h = x;
    for (const fc of this.sharedFcs) h = g.node('Relu', [fc.emitOnnx(g, h)]);
    return { clsScore: this.fcCls.emitOnnx(g, h), bboxPred: this.fcReg.emitOnnx(g, h) };
  }

  /**
   * {@link forward} on host RoI features, returning host logits, softmax scores and deltas: on TF.js,
   * or with `session` (a session over {@link toOnnx}) there. Every RoI head calls its bbox heads here.
   */
  async forwardToHost(roiFeats: Float32Array, session?: OnnxSession): Promise<{ clsScore: Float32Array; scores: Float32Array; bboxPred: Float32Array }> {
    const n = roiFeats.length / this.sharedFcsInFeatures;
    if (session) {
      // All RoIs of the image in one call of the graph from toOnnx().
      const out = await session.run({ roi_feats: { data: roiFeats, dims: [n, this.sharedFcsInFeatures] } });
      if (!out.cls_score || !out.scores || !out.bbox_pred) throw new Error("the bbox head's ONNX session lacks 'cls_score' / 'scores' / 'bbox_pred': export it with Shared2FCBBoxHead.toOnnx()");
      return { clsScore: out.cls_score.data, scores: out.scores.data, bboxPred: out.bbox_pred.data };
    }
    const { clsScore, bboxPred, scores } = tf.tidy(() => {
      const out = this.forward(tf.tensor2d(roiFeats, [n, this.sharedFcsInFeatures]));
      return { ...out, scores: tf.softmax(out.clsScore) };
    });
    try {
      const [c, s, b] = await Promise.all([clsScore.data(), scores.data(), bboxPred.data()]);
      return { clsScore: c as Float32Array, scores: s as Float32Array, bboxPred: b as Float32Array };
    } finally {
      tf.dispose([clsScore, bboxPred, scores]);
    }
  }

  private get sharedFcsInFeatures(): number {
    return this.config.inChannels * this.config.roiFeatSize ** 2;
  }

  /**
   * mmdet 2.x `BBoxHead.get_bboxes` for one image: decode the class-specific deltas against the
   * RoIs (flat [N × 4]), clip to `imgShape`, divide by `scaleFactor` when rescaling, then
   * `multiclass_nms`. `scores` are the softmax probabilities [N × (K + 1)].
   */
  getBboxes(
    rois: Float32Array,
    scores: Float32Array,
    bboxPred: Float32Array,
    meta: ImageMeta,
    cfg: RcnnTestConfig,
    options: { rescale: boolean; allowedLabels?: ReadonlySet<number> },
  ): Detections {
    const bboxes = deltaXYWHDecode(rois, bboxPred, this.config.bboxCoder, meta.imgShape);
    if (options.rescale) {
      const sf = meta.scaleFactor.map(Math.fround);
      for (let i = 0; i < bboxes.length; i++) bboxes[i] = Math.fround(bboxes[i] / sf[i % 4]);
    }
    return multiclassNms(bboxes, scores, this.config.numClasses, cfg, options.allowedLabels);
  }
}
