import type { OnnxSession } from '@hrnetjs/core';
import type { BBoxHeadConfig, ImageMeta } from './faster-rcnn-config.js';
import { FCNMaskHead, type MaskHeadConfig } from './fcn-mask-head.js';
import type { Detections, RcnnTestConfig } from './multiclass-nms.js';
import { getSegMasks, type InstanceMasks, maskRois } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import { extractRoiFeatures, type RoIExtractorConfig } from './roi-extractor.js';
import { type RoIHeadNetworks, type RoIHeadSessions, type RoITestOptions, StandardRoIHead } from './roi-head.js';

/**
 * mmdet 2.x `StandardRoIHead` with its mask branch: `bbox_head.*` then `mask_head.*` (FCNMaskHead;
 * the mask RoI extractor has no weights). At test time the detections are re-pooled at 14×14,
 * the mask of each detection's class is pasted onto the image (`simple_test_mask`).
 */
export class MaskRoIHead extends StandardRoIHead {
  readonly maskHead: FCNMaskHead;
  /** `test_cfg.rcnn.mask_thr_binary`; edit to change the binarisation of later calls. */
  maskThrBinary: number;

  constructor(
    extractor: RoIExtractorConfig,
    bboxHead: BBoxHeadConfig,
    readonly maskExtractor: RoIExtractorConfig,
    maskHead: MaskHeadConfig,
    maskThrBinary: number,
  ) {
    super(extractor, bboxHead);
    this.maskHead = this.child('mask_head', new FCNMaskHead(maskHead));
    this.maskThrBinary = maskThrBinary;
  }

  override networks(): RoIHeadNetworks {
    return { bbox: [this.bboxHead], mask: [this.maskHead] };
  }

  /**
   * `_mask_forward`: RoIs (flat [N × 4], input coordinates) → probabilities / logits of each RoI's
   * label; on `session` (over `maskHead.toOnnx()`) when given, else on TF.js.
   */
  maskForward(features: FeatureMap[], rois: Float32Array, labels: Int32Array, session?: OnnxSession): Promise<{ probs: Float32Array; logits: Float32Array }> {
    return this.maskHead.labelProbabilities(extractRoiFeatures(features, rois, this.maskExtractor), labels, session);
  }

  /** The mask head's logits of each RoI's label channel, as a one-stage list (cf. the cascade's). */
  async stageMaskLogits(features: FeatureMap[], rois: Float32Array, labels: Int32Array, sessions?: RoIHeadSessions): Promise<Float32Array[]> {
    return [(await this.maskForward(features, rois, labels, sessions?.maskHeads[0])).logits];
  }

  override async simpleTest(
    features: FeatureMap[],
    proposals: Float32Array,
    meta: ImageMeta,
    cfg: RcnnTestConfig,
    options: RoITestOptions,
  ): Promise<Detections & { masks: InstanceMasks }> {
    const dets = await this.simpleTestBboxes(features, proposals, meta, cfg, options);
    return { ...dets, masks: await this.simpleTestMask(features, dets, meta, options.rescale, options.sessions?.maskHeads[0]) };
  }

  /** `simple_test_mask` for one image (the mask head on `session` when given). */
  async simpleTestMask(features: FeatureMap[], dets: Detections, meta: ImageMeta, rescale: boolean, session?: OnnxSession): Promise<InstanceMasks> {
    const rois = maskRois(dets.bboxes, meta.scaleFactor, rescale);
    const { probs } = dets.labels.length > 0 ? await this.maskForward(features, rois, dets.labels, session) : { probs: new Float32Array(0) };
    return getSegMasks(probs, this.maskHead.maskSize, rois, meta, rescale, this.maskThrBinary);
  }
}
