import { readFileSync } from 'node:fs';
import { getPreset, parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { COCO_CLASSES } from './coco-classes.js';
import { FasterRCNN } from './faster-rcnn.js';
import { parseFasterRcnnConfig } from './faster-rcnn-config.js';

/** rpn_head / roi_head keys of mmdet's faster_rcnn_hrnetv2p_* configs (256-ch RPN, 1024-d FCs, 80 classes). */
const HEAD_KEYS: Array<[string, number[]]> = [
  ['rpn_head.rpn_conv.weight', [256, 256, 3, 3]],
  ['rpn_head.rpn_conv.bias', [256]],
  ['rpn_head.rpn_cls.weight', [3, 256, 1, 1]],
  ['rpn_head.rpn_cls.bias', [3]],
  ['rpn_head.rpn_reg.weight', [12, 256, 1, 1]],
  ['rpn_head.rpn_reg.bias', [12]],
  ['roi_head.bbox_head.fc_cls.weight', [81, 1024]],
  ['roi_head.bbox_head.fc_cls.bias', [81]],
  ['roi_head.bbox_head.fc_reg.weight', [320, 1024]],
  ['roi_head.bbox_head.fc_reg.bias', [320]],
  ['roi_head.bbox_head.shared_fcs.0.weight', [1024, 12544]],
  ['roi_head.bbox_head.shared_fcs.0.bias', [1024]],
  ['roi_head.bbox_head.shared_fcs.1.weight', [1024, 1024]],
  ['roi_head.bbox_head.shared_fcs.1.bias', [1024]],
];

describe('FasterRCNN state_dict = mmdet 2.x', () => {
  it.each([
    ['faster-rcnn-w18', 'manifest_faster_rcnn_hrnetv2p_w18.json'],
    ['faster-rcnn-w32', 'manifest_faster_rcnn_hrnetv2p_w32.json'],
    ['faster-rcnn-w40', 'manifest_faster_rcnn_hrnetv2p_w40.json'],
  ])('%s = %s (backbone + neck) followed by the rpn/roi head keys', (preset, file) => {
    const manifest = JSON.parse(readFileSync(fixturePath('det', file), 'utf8'));
    const spec = new FasterRCNN(getPreset(preset)).stateDictSpec();
    expect(spec.map((e) => [e.key, e.shape])).toEqual([...manifest.state_dict, ...HEAD_KEYS]);
  });

  it('the tiny detector has exactly the keys and shapes of det_tiny.pth + faster_rcnn_tiny_heads.pth, in order', async () => {
    const model = new FasterRCNN(parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8')));
    const heads = (await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict;
    const spec = model.stateDictSpec().filter((e) => e.key.startsWith('rpn_head.') || e.key.startsWith('roi_head.'));
    expect(spec.map((e) => [e.key, e.shape])).toEqual([...heads].map(([k, v]) => [k, [...v.shape]]));
    expect(model.classNames).toBe(COCO_CLASSES);
    expect(COCO_CLASSES).toHaveLength(80);
  });
});

describe('parseFasterRcnnConfig', () => {
  const detector = () => structuredClone(getPreset('faster-rcnn-w32').head as { detector: Record<string, unknown> }).detector;

  it('reads the mmdet numbers of the presets', () => {
    const c = parseFasterRcnnConfig(detector());
    expect(c.testCfg).toEqual({
      rpn: { nmsPre: 1000, maxPerImg: 1000, iouThreshold: 0.7, minBboxSize: 0 },
      rcnn: { scoreThr: 0.05, iouThreshold: 0.5, maxPerImg: 100 },
    });
    expect(c.roiExtractor).toEqual({ outputSize: 7, samplingRatio: 0, aligned: true, outChannels: 256, featmapStrides: [4, 8, 16, 32], finestScale: 56 });
    expect(c.bboxHead.bboxCoder.stds).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(c.rpnHead.anchorGenerator).toMatchObject({ strides: [4, 8, 16, 32, 64], ratios: [0.5, 1, 2], scales: [8] });
    expect(c.imgMeta).toBeUndefined();
  });

  it('names the offending path of unsupported or malformed settings', () => {
    const d = detector();
    (d.roi_head as { bbox_head: Record<string, unknown> }).bbox_head.type = 'Shared4Conv1FCBBoxHead';
    expect(() => parseFasterRcnnConfig(d)).toThrow(/model\.roi_head\.bbox_head\.type is "Shared4Conv1FCBBoxHead"; supported: 'Shared2FCBBoxHead'/);
    const e = detector();
    ((e.test_cfg as Record<string, Record<string, unknown>>).rcnn.nms as Record<string, unknown>).iou_threshold = 2;
    expect(() => parseFasterRcnnConfig(e)).toThrow(/model\.test_cfg\.rcnn\.nms\.iou_threshold must be an IoU in \(0, 1\], got 2/);
    const f = detector();
    delete f.test_cfg;
    expect(() => parseFasterRcnnConfig(f)).toThrow(/model\.test_cfg is missing/);
  });

  it('a preset without heads is refused by FasterRCNN with a clear message', () => {
    const config = parseModelConfig(readFileSync(fixturePath('det', 'det_tiny_config.json'), 'utf8'));
    expect(() => new FasterRCNN(config)).toThrow(/needs an mmdet model config with rpn_head and roi_head/);
  });
});
