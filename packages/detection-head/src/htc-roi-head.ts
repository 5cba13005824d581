import type * as tf from '@tensorflow/tfjs-core';
import type { OnnxSession } from '@hrnetjs/core';
import { type CascadeFeatureSource, CascadeRoIHead } from './cascade-roi-head.js';
import { FCNMaskHead, labelChannels, type MaskHeadConfig, roiFeaturesNhwc } from './fcn-mask-head.js';
import { FusedSemanticHead } from './fused-semantic-head.js';
import type { HtcConfig } from './htc-config.js';
import { HTCMaskHead } from './htc-mask-head.js';
import type { FeatureMap } from './roi-align.js';
import { extractRoiFeatures, type RoIExtractorConfig } from './roi-extractor.js';
import type { RoIHeadNetworks, RoIHeadSessions } from './roi-head.js';

const f32 = Math.fround;

/**
 * `F.adaptive_avg_pool2d` of channel-major planes ([planes, S, S] → [planes, P, P]): bin i spans
 * ⌊i·S/P⌋ … ⌈(i+1)·S/P⌉ − 1, summed row by row in float32 and divided by its height, then its width
 * (PyTorch's CPU kernel, bit for bit).
 */
export function adaptiveAvgPool(x: Float32Array, planes: number, inSize: number, outSize: number): Float32Array {
  const out = new Float32Array(planes * outSize * outSize);
  const start = (i: number) => Math.floor((i * inSize) / outSize);
  const end = (i: number) => Math.ceil(((i + 1) * inSize) / outSize);
  for (let p = 0; p < planes; p++) {
    const plane = p * inSize * inSize;
    for (let oy = 0; oy < outSize; oy++) {
      for (let ox = 0; ox < outSize; ox++) {
        let sum = 0;
        for (let y = start(oy); y < end(oy); y++) for (let x2 = start(ox); x2 < end(ox); x2++) sum = f32(sum + x[plane + y * inSize + x2]);
        out[(p * outSize + oy) * outSize + ox] = f32(f32(sum / (end(oy) - start(oy))) / (end(ox) - start(ox)));
      }
    }
  }
  return out;
}

/** `a += b` elementwise in float32 (PyTorch's in-place `+=` of two RoI feature tensors). */
function addInto(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i] + b[i];
  return a;
}

/**
 * mmdet 2.x `HybridTaskCascadeRoIHead` at test time (`simple_test`): the cascade's stage loop
 * ({@link CascadeRoIHead}: RoIs refined stage by stage, the MEAN of the stages' class logits, the
 * last stage's deltas) with HTC's own RoI features:
 * - semantic branch (`semantic_head`, a {@link FusedSemanticHead}) run once per image; its embedded
 *   feature is pooled by `semantic_roi_extractor` and added to the bbox RoI features (adaptive
 *   average pooled to their size) and / or the mask RoI features, per `semantic_fusion`;
 * - masks: the final detections are pooled once with the LAST stage's mask RoI extractor (+
 *   semantic); with `mask_info_flow` stage i runs on those features plus `conv_res` of stage i−1's
 *   conv features ({@link HTCMaskHead}); every stage's sigmoid probabilities are averaged
 *   (`merge_aug_masks`) and pasted as in Mask R-CNN.
 */
export class HybridTaskCascadeRoIHead extends CascadeRoIHead {
  readonly semanticHead: FusedSemanticHead | null;

  /** @param neckLevels how many levels the neck gives (the semantic head reads at most `num_ins` of them). */
  constructor(
    extractor: RoIExtractorConfig,
    readonly htc: HtcConfig,
    neckLevels?: number,
  ) {
    super(extractor, htc.cascade.stages, htc.mask);
    const sem = htc.semantic?.head;
    this.semanticHead = sem ? this.child('semantic_head', new FusedSemanticHead(sem, Math.min(sem.numIns, neckLevels ?? sem.numIns))) : null;
  }

  protected override createMaskHead(config: MaskHeadConfig): FCNMaskHead {
    return config.withConvRes === undefined ? new FCNMaskHead(config) : new HTCMaskHead(config);
  }

  /**
   * The head networks by stage (the ONNX engine exports one graph each): the cascade's bbox heads
   * (the semantic RoI fusion stays in JS, before them), the mask heads ({@link HTCMaskHead}s pass
   * their conv features on through their graphs) and the semantic head.
   */
  override networks(): RoIHeadNetworks {
    return { ...super.networks(), ...(this.semanticHead ? { semantic: this.semanticHead } : {}) };
  }

  /** HTC's forward_train (interleaved stages, semantic loss) is not implemented. */
  override get trainable(): boolean {
    return false;
  }

  /** The semantic head reads every neck level (up to `num_ins`). */
  get inputLevels(): number {
    return this.semanticHead?.config.numIns ?? 0;
  }

  /** `semantic_head(x)[1]` on the host: the embedded semantic feature map of one image (on `session` when given). */
  semanticFeatures(features: FeatureMap[], session?: OnnxSession): Promise<FeatureMap> {
    const head = this.semanticHead;
    if (!head) throw new Error('this HTC has no semantic head');
    return head.embedToHost(features, session);
  }

  /**
   * HTC's RoI features and mask stages, the same JS for both engines: the semantic feature (on
   * `sessions.semanticHead` or TF.js) pooled and fused into the RoI features here, the bbox and mask
   * networks on `sessions` when given (the information flow's conv features go from one mask graph to
   * the next), else on TF.js.
   */
  protected override async featureSource(features: FeatureMap[], sessions?: RoIHeadSessions): Promise<CascadeFeatureSource> {
    const { semantic: sem, semanticFusion: fusion, maskInfoFlow } = this.htc;
    if (sem && sessions && !sessions.semanticHead) throw new Error('HybridTaskCascade: the ONNX sessions lack the semantic head (open them with useOnnx)');
    const semantic = sem ? [await this.semanticFeatures(features, sessions?.semanticHead)] : null;
    const semanticRois = (rois: Float32Array) => extractRoiFeatures(semantic!, rois, sem!.extractor);
    const maskFeatures = (rois: Float32Array) => {
      const extractor = this.mask!.roiExtractors[this.mask!.roiExtractors.length - 1];
      const feats = extractRoiFeatures(features, rois, extractor);
      if (semantic && fusion.mask) addInto(feats, semanticRois(rois));
      return { feats, extractor };
    };
    return {
      bboxFeatures: (_stage, rois) => {
        const feats = extractRoiFeatures(features, rois, this.extractor);
        if (!semantic || !fusion.bbox) return feats;
        const { outputSize: S, outChannels: C } = sem!.extractor;
        const P = this.extractor.outputSize;
        const pooled = semanticRois(rois);
        return addInto(feats, S === P ? pooled : adaptiveAvgPool(pooled, (rois.length / 4) * C, S, P));
      },
      maskStages: async (rois, labels) => {
        const { feats, extractor } = maskFeatures(rois);
        if (sessions) {
          const out = [];
          let last: Float32Array | null = null;
          for (const [s, head] of this.maskHeads.entries()) {
            const session = sessions.maskHeads[s];
            if (maskInfoFlow) {
              const r: { probs: Float32Array; logits: Float32Array; feat: Float32Array } = await (head as HTCMaskHead).flowOnHost(feats, labels, last, session);
              last = r.feat;
              out.push({ probs: r.probs, logits: r.logits });
            } else out.push(await head.labelProbabilities(feats, labels, session));
          }
          return out;
        }
        const x = roiFeaturesNhwc(feats, labels.length, extractor.outChannels, extractor.outputSize);
        const out = [];
        let last: tf.Tensor4D | null = null;
        try {
          for (const head of this.maskHeads) {
            let logits: tf.Tensor4D;
            if (maskInfoFlow) {
              const r = (head as HTCMaskHead).forwardFlow(x, last);
              last?.dispose();
              ({ logits, feat: last } = r);
            } else logits = head.forward(x);
            try {
              out.push(await labelChannels(logits, labels));
            } finally {
              logits.dispose();
            }
          }
        } finally {
          x.dispose();
          last?.dispose();
        }
        return out;
      },
    };
  }
}
