import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './parse-config.js';
import { validateModelConfig } from './parse-model-json.js';
import { PRESET_IDS, type PresetId, getPreset, isPresetId, listPresets, presetToModelConfig } from './presets.js';
import { expectConfigError, readManifestHeader } from './test-fixtures.js';
import type { MmdetHeadConfig } from './types.js';

/** The ids the brief asks for, in order. */
const EXPECTED_IDS = [
  'pose-coco-w32-256x192',
  'pose-coco-w32-384x288',
  'pose-coco-w48-256x192',
  'pose-coco-w48-384x288',
  'pose-mpii-w32-256x256',
  'pose-mpii-w48-256x256',
  'seg-cityscapes-w48',
  'seg-cityscapes-w18-small-v1',
  'seg-cityscapes-w18-small-v2',
  'seg-ade20k-w48',
  'seg-pascal-ctx-w48',
  'seg-lip-w48',
  'seg-ocr-cityscapes-w48',
  'seg-ocr-ade20k-w48',
  'seg-ocr-pascal-ctx-w48',
  'seg-ocr-lip-w48',
  'seg-ocr-cocostuff-w48',
  'cls-w18-small-v1',
  'cls-w18-small-v2',
  'cls-w18',
  'cls-w30',
  'cls-w32',
  'cls-w40',
  'cls-w44',
  'cls-w48',
  'cls-w64',
  'faster-rcnn-w18',
  'faster-rcnn-w32',
  'faster-rcnn-w40',
  'mask-rcnn-w18',
  'mask-rcnn-w32',
  'mask-rcnn-w40',
  'cascade-rcnn-w18',
  'cascade-rcnn-w32',
  'cascade-rcnn-w40',
  'cascade-mask-rcnn-w18',
  'cascade-mask-rcnn-w32',
  'cascade-mask-rcnn-w40',
  'htc-w18',
  'htc-w32',
  'htc-w40',
  'fcos-w18',
  'fcos-w32',
  'fcos-w40',
];

/**
 * Spec §3 table, typed in by hand (not derived from stage-table.ts): per stage 1..4 the channels,
 * blocks per branch and module count.
 */
interface SpecRow {
  channels: number[][];
  blocks: number[][];
  modules: number[];
}
const wide = (c: number): SpecRow => ({
  channels: [[64], [c, 2 * c], [c, 2 * c, 4 * c], [c, 2 * c, 4 * c, 8 * c]],
  blocks: [[4], [4, 4], [4, 4, 4], [4, 4, 4, 4]],
  modules: [1, 1, 4, 3],
});
const SPEC_TABLE: Record<string, SpecRow> = {
  'w18-small-v1': {
    channels: [[32], [16, 32], [16, 32, 64], [16, 32, 64, 128]],
    blocks: [[1], [2, 2], [2, 2, 2], [2, 2, 2, 2]],
    modules: [1, 1, 1, 1],
  },
  'w18-small-v2': {
    channels: [[64], [18, 36], [18, 36, 72], [18, 36, 72, 144]],
    blocks: [[2], [2, 2], [2, 2, 2], [2, 2, 2, 2]],
    modules: [1, 1, 3, 2],
  },
  w18: wide(18),
  w30: wide(30),
  w32: wide(32),
  w40: wide(40),
  w44: wide(44),
  w48: wide(48),
  w64: wide(64),
};

function variantOf(id: PresetId): string {
  const match = /-(w\d+(?:-small-v[12])?)(?:-|$)/.exec(id);
  if (!match) throw new Error(`no variant in ${id}`);
  return match[1];
}

function stageTable(id: PresetId): SpecRow {
  const { stage1, stages } = getPreset(id).backbone;
  const all = [stage1, ...stages];
  return { channels: all.map((s) => s.numChannels), blocks: all.map((s) => s.numBlocks), modules: all.map((s) => s.numModules) };
}

describe('preset list', () => {
  it('has exactly the requested ids, in order', () => {
    expect([...PRESET_IDS]).toEqual(EXPECTED_IDS);
    expect(listPresets().map((p) => p.id)).toEqual(EXPECTED_IDS);
  });

  it.each(EXPECTED_IDS as PresetId[])('%s validates and is complete', (id) => {
    const preset = getPreset(id);
    const config = presetToModelConfig(preset);
    expect(config.name).toBe(id);
    expect(validateModelConfig(config)).toEqual(config);
    // Our JSON layout round-trips it.
    expect(parseModelConfig(JSON.stringify(config))).toEqual(config);
    expect(preset.description.length).toBeGreaterThan(10);
    expect(preset.officialRepo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(preset.officialConfig).toMatch(/\.(yaml|py)$/);
    expect(preset.checkpoints.length).toBeGreaterThan(0);
    for (const file of preset.checkpoints) expect(file).toMatch(/\.pth(\.tar)?$/);
    expect(preset.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(preset.input.std).toEqual([0.229, 0.224, 0.225]);
    expect(preset.backbone.stages.every((s) => s.block === 'BASIC' && s.fuseMethod === 'SUM')).toBe(true);
    expect(preset.backbone.stage1.block).toBe('BOTTLENECK');
  });

  it.each(EXPECTED_IDS as PresetId[])('%s matches the official stage table', (id) => {
    expect(stageTable(id)).toEqual(SPEC_TABLE[variantOf(id)]);
  });
});

describe('presets vs the official-config manifests in shared/fixtures', () => {
  it.each([
    ['cls/manifest_w18.json', 'cls-w18'],
    ['cls/manifest_w18_small_v1.json', 'cls-w18-small-v1'],
    ['cls/manifest_w18_small_v2.json', 'cls-w18-small-v2'],
    ['cls/manifest_w32.json', 'cls-w32'],
    ['cls/manifest_w48.json', 'cls-w48'],
  ] as const)('%s → %s: stage channels / blocks / modules, classes, config file', (manifest, id) => {
    const header = readManifestHeader(manifest);
    expect(stageTable(id)).toEqual({
      channels: header.stage_channels,
      blocks: header.stage_blocks,
      modules: header.stage_modules,
    });
    expect(getPreset(id).head).toEqual({ type: 'cls', numClasses: header.num_classes });
    expect(getPreset(id).officialConfig).toBe(header.config_file);
  });

  it.each([
    ['seg/manifest_cityscapes_w48.json', 'seg-cityscapes-w48'],
    ['seg/manifest_cityscapes_w18_small_v1.json', 'seg-cityscapes-w18-small-v1'],
    ['seg/manifest_cityscapes_w18_small_v2.json', 'seg-cityscapes-w18-small-v2'],
    ['seg/manifest_ade20k_w48.json', 'seg-ade20k-w48'],
  ] as const)('%s → %s: classes, align_corners, config file', (manifest, id) => {
    const header = readManifestHeader(manifest);
    const preset = getPreset(id);
    expect(preset.head).toEqual({ type: 'seg', numClasses: header.num_classes, finalConvKernel: 1 });
    expect(preset.backbone.upsample).toBe('bilinear');
    expect(preset.backbone.alignCorners).toBe(header.align_corners);
    expect(preset.officialConfig).toBe(header.config_file);
  });

  it.each([
    ['det/manifest_faster_rcnn_hrnetv2p_w18.json', 'faster-rcnn-w18'],
    ['det/manifest_faster_rcnn_hrnetv2p_w32.json', 'faster-rcnn-w32'],
    ['det/manifest_faster_rcnn_hrnetv2p_w40.json', 'faster-rcnn-w40'],
  ] as const)('%s → %s: backbone_cfg, neck_cfg, config file', (manifest, id) => {
    const header = readManifestHeader(manifest);
    const preset = getPreset(id);
    // The manifest's mmdet dicts, parsed by our own mmdet reader, give the preset's backbone and neck.
    const parsed = parseModelConfig({ type: 'FasterRCNN', backbone: header.backbone_cfg, neck: header.neck_cfg });
    expect(parsed.backbone).toEqual(preset.backbone);
    expect((parsed.head as MmdetHeadConfig).neck).toEqual((preset.head as MmdetHeadConfig).neck);
    expect(preset.officialConfig).toBe(header.config_file);
  });

  it.each([
    ['pose/manifest_coco_w32_256x192.json', 'pose-coco-w32-256x192'],
    ['pose/manifest_coco_w48_384x288.json', 'pose-coco-w48-384x288'],
    ['pose/manifest_mpii_w32_256x256.json', 'pose-mpii-w32-256x256'],
  ] as const)('%s → %s: joints, image and heatmap size, config file', (manifest, id) => {
    const header = readManifestHeader(manifest);
    const preset = getPreset(id);
    expect(preset.head).toEqual({ type: 'pose', numJoints: header.num_joints, finalConvKernel: 1 });
    expect(preset.input.imageSize).toEqual(header.image_size_wh);
    expect(preset.input.heatmapSize).toEqual(header.heatmap_size_wh);
    expect(preset.officialConfig).toBe(header.config_file);
  });
});

describe('preset details', () => {
  it('pose presets: nearest, single-output, layer1 4×64', () => {
    for (const id of EXPECTED_IDS.filter((i) => i.startsWith('pose-')) as PresetId[]) {
      const { backbone, head, input } = getPreset(id);
      expect(backbone).toMatchObject({ upsample: 'nearest', multiScaleOutput: false, batchNorm: 'standard' });
      expect(input.heatmapSize).toEqual([input.imageSize![0] / 4, input.imageSize![1] / 4]);
      expect(head).toMatchObject({ numJoints: id.includes('mpii') ? 16 : 17 });
    }
    expect(getPreset('pose-coco-w48-256x192').checkpoints).toEqual(['pose_hrnet_w48_256x192.pth']);
  });

  it('seg presets: classes, align_corners and BN per released checkpoint', () => {
    const summary = (id: PresetId) => {
      const p = getPreset(id);
      return [p.head.type === 'seg' && p.head.numClasses, p.backbone.alignCorners, p.backbone.batchNorm];
    };
    expect(summary('seg-cityscapes-w48')).toEqual([19, false, 'standard']);
    expect(summary('seg-ade20k-w48')).toEqual([150, true, 'standard']);
    expect(summary('seg-pascal-ctx-w48')).toEqual([59, false, 'standard']);
    expect(summary('seg-lip-w48')).toEqual([20, false, 'standard']);
    // HRNet-OCR: every seg_hrnet_ocr yaml keeps the branch default ALIGN_CORNERS True.
    expect(summary('seg-ocr-cityscapes-w48')).toEqual([19, true, 'standard']);
    expect(summary('seg-ocr-ade20k-w48')).toEqual([150, true, 'standard']);
    expect(summary('seg-ocr-pascal-ctx-w48')).toEqual([59, true, 'standard']);
    expect(summary('seg-ocr-lip-w48')).toEqual([20, true, 'standard']);
    expect(summary('seg-ocr-cocostuff-w48')).toEqual([171, true, 'standard']);
    expect(getPreset('seg-ocr-ade20k-w48').head).toEqual({ type: 'seg', numClasses: 150, finalConvKernel: 1, ocr: { midChannels: 512, keyChannels: 256, dropout: 0.05 } });
    expect(getPreset('seg-cityscapes-w48').checkpoints).toContain('hrnet_w48_cityscapes_cls19_1024x2048_trainset.pth');
  });

  it('cls presets: 1000 classes, 224×224, the documented checkpoint names', () => {
    expect(getPreset('cls-w32').checkpoints).toContain('hrnetv2_w32_imagenet_pretrained.pth');
    expect(getPreset('cls-w18-small-v1').checkpoints).toEqual(['hrnet_w18_small_model_v1.pth']);
    for (const p of listPresets().filter((x) => x.family === 'cls')) {
      expect(p.head).toEqual({ type: 'cls', numClasses: 1000 });
      expect(p.input.imageSize).toEqual([224, 224]);
      expect(p.backbone).toMatchObject({ upsample: 'nearest', multiScaleOutput: true });
    }
  });

  it('faster-rcnn presets: HRFPN and the mmdet 2.x Faster R-CNN numbers', () => {
    const preset = getPreset('faster-rcnn-w32');
    const head = preset.head as MmdetHeadConfig;
    expect(head.neck).toEqual({
      inChannels: [32, 64, 128, 256],
      outChannels: 256,
      numOuts: 5,
      poolingType: 'AVG',
      stride: 1,
      keyStyle: 'mmdet2',
      shareConv: false,
    });
    expect(head.detector).toMatchObject({
      type: 'FasterRCNN',
      rpn_head: {
        anchor_generator: { scales: [8], ratios: [0.5, 1, 2], strides: [4, 8, 16, 32, 64] },
        bbox_coder: { target_means: [0, 0, 0, 0], target_stds: [1, 1, 1, 1] },
      },
      roi_head: {
        bbox_roi_extractor: { roi_layer: { output_size: 7, sampling_ratio: 0 }, featmap_strides: [4, 8, 16, 32] },
        bbox_head: { num_classes: 80, fc_out_channels: 1024, bbox_coder: { target_stds: [0.1, 0.1, 0.2, 0.2] } },
      },
      test_cfg: {
        rpn: { nms_pre: 1000, max_per_img: 1000, nms: { iou_threshold: 0.7 }, min_bbox_size: 0 },
        rcnn: { score_thr: 0.05, nms: { iou_threshold: 0.5 }, max_per_img: 100 },
      },
    });
    expect(preset.checkpoints[0]).toMatch(/^faster_rcnn_hrnetv2p_w32_1x_coco_.*\.pth$/);
    expect((getPreset('faster-rcnn-w18').head as MmdetHeadConfig).neck!.inChannels).toEqual([18, 36, 72, 144]);
    expect((getPreset('faster-rcnn-w40').head as MmdetHeadConfig).neck!.inChannels).toEqual([40, 80, 160, 320]);
  });
});

describe('getPreset', () => {
  it('returns copies: editing one does not change the table', () => {
    const a = getPreset('cls-w18');
    a.backbone.stages[0].numChannels[0] = 1;
    a.checkpoints.push('x.pth');
    const b = getPreset('cls-w18');
    expect(b.backbone.stages[0].numChannels[0]).toBe(18);
    expect(b.checkpoints).not.toContain('x.pth');
  });

  it('ignores case and _ vs -', () => {
    expect(getPreset('POSE_COCO_W32_256X192').id).toBe('pose-coco-w32-256x192');
    expect(isPresetId(' Seg_Ade20k-W48 ')).toBe(true);
    expect(isPresetId('seg-ade20k-w18')).toBe(false);
  });

  it('unknown id → ConfigError with the closest match and every valid id', () => {
    expectConfigError(() => getPreset('pose-coco-w32-256x193'), "unknown preset 'pose-coco-w32-256x193'", "did you mean 'pose-coco-w32-256x192'");
    const error = expectConfigError(() => getPreset('cls-w36'), "did you mean 'cls-w30'");
    for (const id of EXPECTED_IDS) expect(error.message).toContain(id);
    expectConfigError(() => getPreset('faster-rcnn-w48'), "did you mean 'faster-rcnn-w18'");
  });
});
