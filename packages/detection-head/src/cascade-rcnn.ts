import type { ModelConfig } from '@hrnetjs/core';
import { parseCascadeConfig } from './cascade-rcnn-config.js';
import { CascadeRoIHead } from './cascade-roi-head.js';
import { FasterRCNN } from './faster-rcnn.js';
import { parseMaskBranch } from './mask-rcnn-config.js';

/**
 * mmdet 2.x `CascadeRCNN` (with or without masks) on HRNet + HRFPN: RPN as {@link FasterRCNN},
 * then a {@link CascadeRoIHead} (`roi_head.bbox_head.{0,1,2}.*`, `roi_head.mask_head.{i}.*`), so
 * `cascade_rcnn_hrnetv2p_*` and `cascade_mask_rcnn_hrnetv2p_*` checkpoints load unchanged.
 */
export class CascadeRCNN extends FasterRCNN<CascadeRoIHead> {
  constructor(config: ModelConfig) {
    super(config);
  }

  protected override buildRoIHead(): CascadeRoIHead {
    const detector = this.config.head.type === 'mmdet' ? this.config.head.detector : undefined;
    if (!detector) throw new Error(`CascadeRCNN needs an mmdet detector config (config '${this.config.name}' has none)`);
    const cascade = parseCascadeConfig(detector);
    return new CascadeRoIHead(this.detector.roiExtractor, cascade.stages, parseMaskBranch(detector, cascade.numStages));
  }
}
