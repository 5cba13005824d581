import { describe, expect, it } from 'vitest';
import { twoStageKindOfKeys } from './two-stage.js';

describe('twoStageKindOfKeys', () => {
  it('tells the mmdet two-stage checkpoints apart by their head keys', () => {
    const base = ['backbone.conv1.weight', 'rpn_head.rpn_conv.weight'];
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.fc_cls.weight'])).toBe('faster_rcnn');
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.fc_cls.weight', 'roi_head.mask_head.conv_logits.weight'])).toBe('mask_rcnn');
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.2.fc_cls.weight'])).toBe('cascade_rcnn');
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.0.fc_cls.weight', 'roi_head.mask_head.1.conv_logits.weight'])).toBe('cascade_mask_rcnn');
    expect(twoStageKindOfKeys(['backbone.conv1.weight', 'neck.fpn_convs.0.conv.weight'])).toBeUndefined();
    // HTC: mask information flow (conv_res) or the semantic branch
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.0.fc_cls.weight', 'roi_head.mask_head.1.conv_res.conv.weight'])).toBe('htc');
    expect(twoStageKindOfKeys([...base, 'roi_head.bbox_head.0.fc_cls.weight', 'roi_head.semantic_head.conv_logits.weight'])).toBe('htc');
    expect(twoStageKindOfKeys(['backbone.conv1.weight', 'roi_head.semantic_head.conv_logits.weight'])).toBeUndefined();
  });
});
