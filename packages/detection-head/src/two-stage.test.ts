import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPreset, type MmdetHeadConfig } from '@hrnetjs/core';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { CascadeRCNN } from './cascade-rcnn.js';
import { parseCascadeConfig } from './cascade-rcnn-config.js';
import { FasterRCNN } from './faster-rcnn.js';
import { MaskRCNN } from './mask-rcnn.js';
import { parseMaskBranch } from './mask-rcnn-config.js';
import { createTwoStageDetector, twoStageKind } from './two-stage.js';

// state_dict names + shapes of mmdetection 2.x models built from configs/hrnet/*.py (never run),
// written by tools/oracle/gen_mask.py.
function manifest(name: string): Array<[string, number[]]> {
  return JSON.parse(readFileSync(join(repoRoot(), 'tools/oracle/cases/mmdet_key_manifests', `${name}.json`), 'utf8')).keys;
}

describe('mask / cascade presets have exactly mmdet 2.x state_dict keys and shapes, in order', () => {
  it.each([
    ['mask-rcnn-w18', 'mask_rcnn_hrnetv2p_w18_1x_coco', MaskRCNN],
    ['mask-rcnn-w32', 'mask_rcnn_hrnetv2p_w32_1x_coco', MaskRCNN],
    ['mask-rcnn-w40', 'mask_rcnn_hrnetv2p_w40_1x_coco', MaskRCNN],
    ['cascade-rcnn-w32', 'cascade_rcnn_hrnetv2p_w32_20e_coco', CascadeRCNN],
    ['cascade-mask-rcnn-w18', 'cascade_mask_rcnn_hrnetv2p_w18_20e_coco', CascadeRCNN],
    ['cascade-mask-rcnn-w32', 'cascade_mask_rcnn_hrnetv2p_w32_20e_coco', CascadeRCNN],
    ['cascade-mask-rcnn-w40', 'cascade_mask_rcnn_hrnetv2p_w40_20e_coco', CascadeRCNN],
  ] as const)('%s = %s', (preset, file, cls) => {
    const config = getPreset(preset);
    const model = createTwoStageDetector(config);
    expect(model).toBeInstanceOf(cls);
    expect(model.stateDictSpec().map((e) => [e.key, e.shape])).toEqual(manifest(file));
    expect(getPreset(preset).officialConfig).toBe(`configs/hrnet/${file}.py`);
  });
});

describe('twoStageKind / parse', () => {
  const detector = (id: string) => (getPreset(id).head as MmdetHeadConfig).detector!;

  it('names the model of each preset family', () => {
    expect(['faster-rcnn-w18', 'mask-rcnn-w18', 'cascade-rcnn-w18', 'cascade-mask-rcnn-w18'].map((id) => twoStageKind(detector(id)))).toEqual([
      'faster_rcnn',
      'mask_rcnn',
      'cascade_rcnn',
      'cascade_mask_rcnn',
    ]);
    expect(twoStageKind({ type: 'RetinaNet', bbox_head: {} })).toBeUndefined();
    expect(createTwoStageDetector(getPreset('faster-rcnn-w18'))).toBeInstanceOf(FasterRCNN);
  });

  it('reads the cascade stages and the mask branch with mmdet defaults', () => {
    const c = parseCascadeConfig(detector('cascade-mask-rcnn-w32'));
    expect(c.stages.map((s) => s.bboxCoder.stds)).toEqual([
      [0.1, 0.1, 0.2, 0.2],
      [0.05, 0.05, 0.1, 0.1],
      [0.033, 0.033, 0.067, 0.067],
    ]);
    expect(c.stageLossWeights).toEqual([1, 0.5, 0.25]);
    expect(c.stages.every((s) => s.regClassAgnostic)).toBe(true);
    const m = parseMaskBranch(detector('cascade-mask-rcnn-w32'), 3)!;
    expect(m.maskHeads).toHaveLength(3);
    expect(m.maskHeads[0]).toEqual({ numConvs: 4, roiFeatSize: 14, inChannels: 256, convKernelSize: 3, convOutChannels: 256, numClasses: 80, classAgnostic: false, scaleFactor: 2 });
    expect(m.roiExtractors[0].outputSize).toBe(14);
    expect(m.maskThrBinary).toBe(0.5);
    expect(parseMaskBranch(detector('faster-rcnn-w32'))).toBeUndefined();
  });

  it('bad mask / cascade configs fail with the path and what was expected', () => {
    const d = structuredClone(detector('mask-rcnn-w18')) as { roi_head: { mask_head: Record<string, unknown> } };
    d.roi_head.mask_head.roi_feat_size = 7;
    expect(() => parseMaskBranch(d)).toThrow(/model\.roi_head\.mask_head\.roi_feat_size \(7\) must equal the mask RoI extractor's output_size \(14\)/);
    d.roi_head.mask_head = { type: 'FCNMaskHead', upsample_cfg: { type: 'carafe' } };
    expect(() => parseMaskBranch(d)).toThrow(/upsample_cfg\.type is "carafe"; supported: 'deconv'/);
    const c = structuredClone(detector('cascade-rcnn-w18')) as { roi_head: { num_stages: number } };
    c.roi_head.num_stages = 2;
    expect(() => parseCascadeConfig(c)).toThrow(/model\.roi_head\.bbox_head lists 3 heads but num_stages is 2/);
  });
});
