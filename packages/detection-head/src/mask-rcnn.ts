import type { ModelConfig } from '@hrnetjs/core';
import { FasterRCNN } from './faster-rcnn.js';
import { parseMaskBranch } from './mask-rcnn-config.js';
import { MaskRoIHead } from './mask-roi-head.js';

/**
 * mmdet 2.x `MaskRCNN` on HRNet + HRFPN: {@link FasterRCNN} whose `roi_head` also holds the
 * `FCNMaskHead` (`roi_head.mask_head.*`), so `mask_rcnn_hrnetv2p_*` checkpoints load unchanged.
 * `simpleTest` / `detect` add one mask per detection.
 */
export class MaskRCNN extends FasterRCNN<MaskRoIHead> {
  constructor(config: ModelConfig) {
    super(config);
  }

  protected override buildRoIHead(): MaskRoIHead {
    const detector = this.config.head.type === 'mmdet' ? this.config.head.detector : undefined;
    const mask = detector ? parseMaskBranch(detector) : undefined;
    if (!mask) throw new Error(`MaskRCNN needs roi_head.mask_head in the mmdet config (config '${this.config.name}' has none; use FasterRCNN)`);
    return new MaskRoIHead(this.detector.roiExtractor, this.detector.bboxHead, mask.roiExtractors[0], mask.maskHeads[0], mask.maskThrBinary);
  }
}
