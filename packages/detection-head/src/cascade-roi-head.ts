import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import { Sequential } from '@hrnetjs/core/ops';
import { Shared2FCBBoxHead } from './bbox-head.js';
import { deltaXYWHDecode } from './delta-xywh-coder.js';
import type { BBoxHeadConfig, ImageMeta } from './faster-rcnn-config.js';
import { FCNMaskHead, type MaskHeadConfig } from './fcn-mask-head.js';
import type { MaskBranchConfig } from './mask-rcnn-config.js';
import type { Detections, RcnnTestConfig } from './multiclass-nms.js';
import { getSegMasks, type InstanceMasks, maskRois } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import { extractRoiFeatures, type RoIExtractorConfig } from './roi-extractor.js';
import type { RoIHeadNetworks, RoIHeadSessions, RoITestOptions } from './roi-head.js';

const f32 = Math.fround;

/**
 * What one image's cascade pools and runs per set of RoIs. {@link CascadeRoIHead.featureSource}
 * builds it once per image; HTC's RoI head builds its own (semantic fusion, mask information flow)
 * and the stage loop stays the cascade's.
 */
export interface CascadeFeatureSource {
  /** RoI features of bbox stage `stage` (flat [N, C·P·P], channel-major). */
  bboxFeatures(stage: number, rois: Float32Array): Float32Array;
  /** Every mask stage's output at each RoI's label channel: sigmoid probabilities and logits (flat [N × M × M] each). */
  maskStages(rois: Float32Array, labels: Int32Array): Promise<Array<{ probs: Float32Array; logits: Float32Array }>>;
}

/**
 * mmdet 2.x `CascadeRoIHead` at test time: `bbox_head.{i}` per stage (own coder stds), each stage
 * refining the RoIs of the previous one by its argmax class (`regress_by_class`); the final boxes
 * use the MEAN of the stages' class logits (softmax after) and the last stage's deltas. Masks (if
 * `mask_head.{i}`): every stage's head on the final detections, probabilities averaged
 * (`merge_aug_masks`), then pasted as in Mask R-CNN. What a stage pools comes from
 * {@link featureSource}, the seam HTC extends.
 */
export class CascadeRoIHead extends Module {
  readonly bboxHeads: Shared2FCBBoxHead[];
  readonly maskHeads: FCNMaskHead[];
  /** `test_cfg.rcnn.mask_thr_binary`. */
  maskThrBinary: number;

  constructor(
    readonly extractor: RoIExtractorConfig,
    stages: BBoxHeadConfig[],
    readonly mask?: MaskBranchConfig,
  ) {
    super();
    this.bboxHeads = this.child('bbox_head', new Sequential(stages.map((s) => new Shared2FCBBoxHead(s)))).items;
    this.maskHeads = mask ? this.child('mask_head', new Sequential(mask.maskHeads.map((m) => this.createMaskHead(m)))).items : [];
    this.maskThrBinary = mask?.maskThrBinary ?? 0.5;
  }

  /** The module of one `mask_head.{i}` (called from the constructor: it must not read fields of a subclass). */
  protected createMaskHead(config: MaskHeadConfig): FCNMaskHead {
    return new FCNMaskHead(config);
  }

  /** Whether detector training (`forward_train` of the cascade) covers this head (HTC's does not). */
  get trainable(): boolean {
    return true;
  }

  get numStages(): number {
    return this.bboxHeads.length;
  }

  /** The head networks by stage (the ONNX engine exports one graph each). */
  networks(): RoIHeadNetworks {
    return { bbox: this.bboxHeads, mask: this.maskHeads };
  }

  /** `regress_by_class`: RoIs moved by the deltas of `labels` (or the class-agnostic ones), clipped to `imgShape`. */
  regressByClass(stage: number, rois: Float32Array, labels: Int32Array, bboxPred: Float32Array, imgShape: [number, number]): Float32Array {
    const head = this.bboxHeads[stage].config;
    const n = labels.length;
    let deltas = bboxPred;
    if (!head.regClassAgnostic) {
      deltas = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) deltas.set(bboxPred.subarray((i * head.numClasses + labels[i]) * 4, (i * head.numClasses + labels[i]) * 4 + 4), 4 * i);
    }
    return deltaXYWHDecode(rois, deltas, head.bboxCoder, imgShape);
  }

  async simpleTest(
    features: FeatureMap[],
    proposals: Float32Array,
    meta: ImageMeta,
    cfg: RcnnTestConfig,
    options: RoITestOptions,
  ): Promise<Detections & { masks?: InstanceMasks }> {
    const n = proposals.length / 5;
    const empty = { bboxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
    if (n === 0) return this.maskHeads.length > 0 ? { ...empty, masks: getSegMasks(new Float32Array(0), 0, new Float32Array(0), meta, options.rescale, this.maskThrBinary) } : empty;
    const source = await this.featureSource(features, options.sessions);
    let rois: Float32Array = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) rois.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
    const K = this.bboxHeads[this.numStages - 1].config.numClasses;
    const sum = new Float32Array(n * (K + 1));
    let lastPred: Float32Array = new Float32Array(0);
    for (let s = 0; s < this.numStages; s++) {
      const { clsScore, bboxPred } = await this.bboxHeads[s].forwardToHost(source.bboxFeatures(s, rois), options.sessions?.bboxHeads[s]);
      for (let i = 0; i < sum.length; i++) sum[i] = f32(sum[i] + clsScore[i]); // Python's sum(): 0 + s0 + s1 + …
      lastPred = bboxPred;
      if (s < this.numStages - 1) rois = this.regressByClass(s, rois, argmaxForeground(clsScore, K), bboxPred, meta.imgShape);
    }
    const mean = Float32Array.from(sum, (v) => f32(v / this.numStages));
    const scoresT = tf.tidy(() => tf.softmax(tf.tensor2d(mean, [n, K + 1])));
    const scores = (await scoresT.data()) as Float32Array;
    scoresT.dispose();
    const dets = this.bboxHeads[this.numStages - 1].getBboxes(rois, scores, lastPred, meta, cfg, options);
    if (this.maskHeads.length === 0) return dets;
    return { ...dets, masks: await this.simpleTestMask(source, dets, meta, options.rescale) };
  }

  /** Mask head `stage` on RoIs (flat [N × 4]): probabilities / logits of each RoI's label; on `sessions` when given. */
  maskForward(stage: number, features: FeatureMap[], rois: Float32Array, labels: Int32Array, sessions?: RoIHeadSessions): Promise<{ probs: Float32Array; logits: Float32Array }> {
    return this.maskHeads[stage].labelProbabilities(extractRoiFeatures(features, rois, this.mask!.roiExtractors[stage]), labels, sessions?.maskHeads[stage]);
  }

  /**
   * The per-image {@link CascadeFeatureSource} of the stage loop: here every bbox stage pools with
   * `bbox_roi_extractor` and mask stage `s` runs its head on `mask_roi_extractor[s]`'s RoI features
   * (on `sessions` when the ONNX engine runs the heads).
   */
  protected async featureSource(features: FeatureMap[], sessions?: RoIHeadSessions): Promise<CascadeFeatureSource> {
    return {
      bboxFeatures: (_stage, rois) => extractRoiFeatures(features, rois, this.extractor),
      maskStages: async (rois, labels) => {
        const out = [];
        for (let s = 0; s < this.maskHeads.length; s++) out.push(await this.maskForward(s, features, rois, labels, sessions));
        return out;
      },
    };
  }

  /** Per-stage mask logits of each RoI's label channel (flat [N × M × M] each). */
  async stageMaskLogits(features: FeatureMap[], rois: Float32Array, labels: Int32Array, sessions?: RoIHeadSessions): Promise<Float32Array[]> {
    return (await (await this.featureSource(features, sessions)).maskStages(rois, labels)).map((o) => o.logits);
  }

  private async simpleTestMask(source: CascadeFeatureSource, dets: Detections, meta: ImageMeta, rescale: boolean): Promise<InstanceMasks> {
    const rois = maskRois(dets.bboxes, meta.scaleFactor, rescale);
    const M = this.maskHeads[this.maskHeads.length - 1].maskSize;
    if (dets.labels.length === 0) return getSegMasks(new Float32Array(0), M, rois, meta, rescale, this.maskThrBinary);
    const sum = new Float32Array(dets.labels.length * M * M);
    for (const { probs } of await source.maskStages(rois, dets.labels)) {
      for (let i = 0; i < sum.length; i++) sum[i] = f32(sum[i] + probs[i]);
    }
    const merged = Float32Array.from(sum, (v) => f32(v / this.maskHeads.length)); // np.mean over the stages
    return getSegMasks(merged, M, rois, meta, rescale, this.maskThrBinary);
  }
}

/** `cls_score[:, :-1].argmax(dim=1)` (first index of the largest foreground logit). */
function argmaxForeground(clsScore: Float32Array, K: number): Int32Array {
  const n = clsScore.length / (K + 1);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (clsScore[i * (K + 1) + c] > clsScore[i * (K + 1) + best]) best = c;
    out[i] = best;
  }
  return out;
}
