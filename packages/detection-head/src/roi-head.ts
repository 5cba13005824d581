import { Module, type OnnxSession } from '@hrnetjs/core';
import { Shared2FCBBoxHead } from './bbox-head.js';
import type { BBoxHeadConfig, ImageMeta } from './faster-rcnn-config.js';
import type { FCNMaskHead } from './fcn-mask-head.js';
import type { FusedSemanticHead } from './fused-semantic-head.js';
import type { Detections, RcnnTestConfig } from './multiclass-nms.js';
import type { FeatureMap } from './roi-align.js';
import { extractRoiFeatures, type RoIExtractorConfig } from './roi-extractor.js';

/**
 * The networks of a RoI head by stage (one entry for Faster / Mask R-CNN, one per stage for
 * cascades): what the onnxruntime engine exports, one graph each.
 */
export interface RoIHeadNetworks {
  bbox: readonly Shared2FCBBoxHead[];
  mask: readonly FCNMaskHead[];
  /** HTC's semantic branch (its embedding), run once per image on the neck levels. */
  semantic?: FusedSemanticHead;
}

/**
 * ONNX sessions over {@link RoIHeadNetworks}, index for index (`bboxHeads[s]` runs
 * `bbox[s].toOnnx()`, `maskHeads[s]` runs `mask[s].toOnnx()`, `semanticHead` runs `semantic.toOnnx()`).
 */
export interface RoIHeadSessions {
  bboxHeads: readonly OnnxSession[];
  maskHeads: readonly OnnxSession[];
  /** Over `semantic.toOnnx()`, when the networks have a semantic head. */
  semanticHead?: OnnxSession;
}

/**
 * Options of a RoI head's `simpleTest`. The head networks are called through their host entry
 * points (`Shared2FCBBoxHead.forwardToHost`, `FCNMaskHead.labelProbabilities`), which run on
 * `sessions` when given and on TF.js otherwise; RoIAlign, refinement, NMS and pasting are the same
 * code either way.
 */
export interface RoITestOptions {
  rescale: boolean;
  allowedLabels?: ReadonlySet<number>;
  /** Run the head networks on these ONNX sessions instead of TF.js. */
  sessions?: RoIHeadSessions;
}

/**
 * mmdet 2.x `StandardRoIHead` (boxes only): `SingleRoIExtractor` (RoIAlign, no weights) then the
 * bbox head under `bbox_head.` — keys `roi_head.bbox_head.*`.
 */
export class StandardRoIHead extends Module {
  readonly bboxHead: Shared2FCBBoxHead;

  constructor(
    readonly extractor: RoIExtractorConfig,
    bboxHead: BBoxHeadConfig,
  ) {
    super();
    this.bboxHead = this.child('bbox_head', new Shared2FCBBoxHead(bboxHead));
  }

  /** The head networks by stage (the ONNX engine exports one graph each): the bbox head here. */
  networks(): RoIHeadNetworks {
    return { bbox: [this.bboxHead], mask: [] };
  }

  /** `_bbox_forward`: pooled RoI features → logits, softmax scores and deltas (host arrays). */
  async bboxForward(
    features: FeatureMap[],
    rois: Float32Array,
    session?: OnnxSession,
  ): Promise<{ clsScore: Float32Array; scores: Float32Array; bboxPred: Float32Array }> {
    return this.bboxHead.forwardToHost(extractRoiFeatures(features, rois, this.extractor), session);
  }

  /** The RoI stage at test time: boxes only here (the mask head subclass adds masks). */
  simpleTest(features: FeatureMap[], proposals: Float32Array, meta: ImageMeta, cfg: RcnnTestConfig, options: RoITestOptions): Promise<Detections> {
    return this.simpleTestBboxes(features, proposals, meta, cfg, options);
  }

  /** `simple_test_bboxes` for one image: proposals (flat [N × 5]) → final detections. */
  async simpleTestBboxes(features: FeatureMap[], proposals: Float32Array, meta: ImageMeta, cfg: RcnnTestConfig, options: RoITestOptions): Promise<Detections> {
    const n = proposals.length / 5;
    const rois = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) rois.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
    if (n === 0) return { bboxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
    const { scores, bboxPred } = await this.bboxForward(features, rois, options.sessions?.bboxHeads[0]);
    return this.bboxHead.getBboxes(rois, scores, bboxPred, meta, cfg, options);
  }
}
