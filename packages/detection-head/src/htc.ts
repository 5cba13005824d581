import type { ModelConfig } from '@hrnetjs/core';
import { FasterRCNN } from './faster-rcnn.js';
import { parseHtcConfig } from './htc-config.js';
import { HybridTaskCascadeRoIHead } from './htc-roi-head.js';

/**
 * mmdet 2.x `HybridTaskCascade` (HTC) on HRNet + HRFPN, test time: RPN as {@link FasterRCNN}, then a
 * {@link HybridTaskCascadeRoIHead} (`roi_head.bbox_head.{i}`, `roi_head.mask_head.{i}` with
 * `conv_res`, `roi_head.semantic_head`), so `htc_hrnetv2p_*` checkpoints load unchanged.
 * `simpleTest` / `detect` give boxes and one mask per detection. Training is not implemented.
 */
export class HybridTaskCascade extends FasterRCNN<HybridTaskCascadeRoIHead> {
  constructor(config: ModelConfig) {
    super(config);
  }

  protected override buildRoIHead(): HybridTaskCascadeRoIHead {
    const head = this.config.head;
    if (head.type !== 'mmdet' || !head.detector || !head.neck) throw new Error(`HybridTaskCascade needs an mmdet detector config with a neck (config '${this.config.name}')`);
    const htc = parseHtcConfig(head.detector);
    const semantic = htc.semantic?.head;
    if (semantic) {
      const { numOuts, outChannels } = head.neck;
      if (semantic.numIns < numOuts || semantic.fusionLevel >= numOuts) {
        throw new Error(`HybridTaskCascade: semantic_head (num_ins ${semantic.numIns}, fusion_level ${semantic.fusionLevel}) reads all ${numOuts} neck levels`);
      }
      if (semantic.inChannels !== outChannels) throw new Error(`HybridTaskCascade: semantic_head.in_channels ${semantic.inChannels} ≠ neck.out_channels ${outChannels}`);
    }
    return new HybridTaskCascadeRoIHead(this.detector.roiExtractor, htc, head.neck.numOuts);
  }

  /** Inference only: every training loop (`trainDetector`, `fit`) starts here and is refused. */
  override setTraining(on: boolean): void {
    if (on) throw new Error('HybridTaskCascade: training is not implemented (HTC runs inference only)');
    super.setTraining(on);
  }
}
