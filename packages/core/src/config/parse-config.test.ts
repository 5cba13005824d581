import { readMmdetTest, readOfficialTest } from './test-settings.js';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './parse-config.js';
import { getPreset, presetToModelConfig } from './presets.js';
import { readFixtureText, readManifestHeader } from './test-fixtures.js';
import type { MmdetHeadConfig, ModelConfig, StageConfig } from './types.js';

/** Official-style pose yaml (experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml, trimmed). */
const POSE_W32_256X192_YAML = `AUTO_RESUME: true
GPUS: (0,1,2,3)
DATASET:
  COLOR_RGB: true
  DATASET: 'coco'
  ROOT: 'data/coco/'
MODEL:
  INIT_WEIGHTS: true
  NAME: pose_hrnet
  NUM_JOINTS: 17
  PRETRAINED: 'models/pytorch/imagenet/hrnet_w32-36af842e.pth'
  TARGET_TYPE: gaussian
  IMAGE_SIZE:
  - 192
  - 256
  HEATMAP_SIZE:
  - 48
  - 64
  SIGMA: 2
  EXTRA:
    PRETRAINED_LAYERS:
    - 'conv1'
    - 'stage4'
    FINAL_CONV_KERNEL: 1
    STAGE2:
      NUM_MODULES: 1
      NUM_BRANCHES: 2
      BLOCK: BASIC
      NUM_BLOCKS:
      - 4
      - 4
      NUM_CHANNELS:
      - 32
      - 64
      FUSE_METHOD: SUM
    STAGE3:
      NUM_MODULES: 4
      NUM_BRANCHES: 3
      BLOCK: BASIC
      NUM_BLOCKS:
      - 4
      - 4
      - 4
      NUM_CHANNELS:
      - 32
      - 64
      - 128
      FUSE_METHOD: SUM
    STAGE4:
      NUM_MODULES: 3
      NUM_BRANCHES: 4
      BLOCK: BASIC
      NUM_BLOCKS:
      - 4
      - 4
      - 4
      - 4
      NUM_CHANNELS:
      - 32
      - 64
      - 128
      - 256
      FUSE_METHOD: SUM
TEST:
  FLIP_TEST: true
  POST_PROCESS: true
  SHIFT_HEATMAP: true
`;

/** Official-style seg yaml (cityscapes w18_small_v1), with the STAGE1 `NUM_RANCHES` typo; CRLF below. */
const SEG_SMALL_V1_YAML = `CUDNN:
  BENCHMARK: true
GPUS: (0,1,2,3)
DATASET:
  DATASET: cityscapes
  ROOT: 'data/'
  NUM_CLASSES: 19
MODEL:
  NAME: seg_hrnet
  PRETRAINED: 'pretrained_models/hrnet_w18_small_model_v1.pth'
  EXTRA:
    FINAL_CONV_KERNEL: 1
    STAGE1:
      NUM_MODULES: 1
      NUM_RANCHES: 1
      BLOCK: BOTTLENECK
      NUM_BLOCKS:
      - 1
      NUM_CHANNELS:
      - 32
      FUSE_METHOD: SUM
    STAGE2:
      NUM_MODULES: 1
      NUM_BRANCHES: 2
      BLOCK: BASIC
      NUM_BLOCKS: [2, 2]
      NUM_CHANNELS: [16, 32]
      FUSE_METHOD: SUM
    STAGE3:
      NUM_MODULES: 1
      NUM_BRANCHES: 3
      BLOCK: BASIC
      NUM_BLOCKS: [2, 2, 2]
      NUM_CHANNELS: [16, 32, 64]
      FUSE_METHOD: SUM
    STAGE4:
      NUM_MODULES: 1
      NUM_BRANCHES: 4
      BLOCK: BASIC
      NUM_BLOCKS: [2, 2, 2, 2]
      NUM_CHANNELS: [16, 32, 64, 128]
      FUSE_METHOD: SUM
TRAIN:
  IMAGE_SIZE:
  - 1024
  - 512
  BASE_SIZE: 2048
TEST:
  IMAGE_SIZE:
  - 2048
  - 1024
  BASE_SIZE: 2048
  FLIP_TEST: false
`.replace(/\n/g, '\r\n');

const TINY_STAGES: Array<Pick<StageConfig, 'numBranches' | 'numChannels' | 'numBlocks'>> = [
  { numBranches: 2, numBlocks: [1, 1], numChannels: [8, 16] },
  { numBranches: 3, numBlocks: [1, 1, 1], numChannels: [8, 16, 32] },
  { numBranches: 4, numBlocks: [1, 1, 1, 1], numChannels: [8, 16, 32, 64] },
];

function withoutSource(config: ModelConfig): ModelConfig {
  const { source: _source, ...rest } = config;
  return rest;
}

function mmdetHead(config: ModelConfig): MmdetHeadConfig {
  expect(config.head.type).toBe('mmdet');
  return config.head as MmdetHeadConfig;
}

describe('parseModelConfig — fixture configs', () => {
  it('pose_tiny: pose family, layer1 forced to 4×BOTTLENECK(64), single-output last stage', () => {
    const config = parseModelConfig(readFixtureText('pose/pose_tiny_config.json'));
    expect(config.family).toBe('pose');
    expect(config.backbone.stage1).toEqual({
      numModules: 1,
      numBranches: 1,
      block: 'BOTTLENECK',
      numBlocks: [4],
      numChannels: [64],
      fuseMethod: 'SUM',
    });
    expect(config.backbone.stages).toMatchObject(TINY_STAGES);
    expect(config.backbone.stages.map((s) => s.numModules)).toEqual([1, 1, 2]);
    expect(config.backbone).toMatchObject({ upsample: 'nearest', multiScaleOutput: false, batchNorm: 'standard' });
    expect(config.head).toEqual({ type: 'pose', numJoints: 17, finalConvKernel: 1 });
  });

  it('pose ignores a STAGE1 in the yaml (pose_hrnet.py never reads it)', () => {
    const raw = JSON.parse(readFixtureText('pose/pose_tiny_config.json'));
    raw.MODEL.EXTRA.STAGE1 = { NUM_MODULES: 1, NUM_BRANCHES: 1, BLOCK: 'BOTTLENECK', NUM_BLOCKS: [1], NUM_CHANNELS: [16] };
    expect(parseModelConfig(raw).backbone.stage1).toMatchObject({ numBlocks: [4], numChannels: [64] });
  });

  it('seg_tiny: seg family, STAGE1 1 block of 16 channels, 19 classes, bilinear without align_corners', () => {
    const config = parseModelConfig(readFixtureText('seg/seg_tiny_config.json'));
    expect(config.family).toBe('seg');
    expect(config.backbone.stage1).toMatchObject({ block: 'BOTTLENECK', numBlocks: [1], numChannels: [16] });
    expect(config.backbone.stages).toMatchObject(TINY_STAGES);
    expect(config.backbone).toMatchObject({ upsample: 'bilinear', alignCorners: false, multiScaleOutput: true });
    expect(config.head).toEqual({ type: 'seg', numClasses: 19, finalConvKernel: 1 });
  });

  it('det_tiny (backbone + neck dict): mmdet, HRFPN [8,16,32,64] → 32, no detector', () => {
    const config = parseModelConfig(readFixtureText('det/det_tiny_config.json'));
    expect(config.family).toBe('mmdet');
    expect(config.backbone.stage1).toMatchObject({ numBlocks: [2], numChannels: [8] });
    expect(config.backbone.stages).toMatchObject(TINY_STAGES);
    expect(config.backbone).toMatchObject({ upsample: 'nearest', multiScaleOutput: true });
    const head = mmdetHead(config);
    expect(head.neck).toEqual({
      inChannels: [8, 16, 32, 64],
      outChannels: 32,
      numOuts: 5,
      poolingType: 'AVG',
      stride: 1,
      keyStyle: 'mmdet2',
      shareConv: false,
    });
    expect(head.detector).toBeUndefined();
  });

  it('faster_rcnn_tiny_full_config: mmdet with the rest of the model dict as detector', () => {
    const config = parseModelConfig(readFixtureText('det/faster_rcnn_tiny_full_config.json'));
    expect(config.name).toBe('FasterRCNN');
    const head = mmdetHead(config);
    expect(head.neck).toMatchObject({ inChannels: [8, 16, 32, 64], outChannels: 32, numOuts: 5, keyStyle: 'mmdet2' });
    expect(head.detector).toMatchObject({
      type: 'FasterRCNN',
      rpn_head: { anchor_generator: { strides: [4, 8, 16, 32, 64] } },
      roi_head: { bbox_head: { num_classes: 80 } },
      test_cfg: { rcnn: { max_per_img: 100 } },
    });
    expect(head.detector).not.toHaveProperty('backbone');
    expect(head.detector).not.toHaveProperty('neck');
  });

  it('mmdet config wrapped as {model}, with an old-style top-level test_cfg', () => {
    const full = JSON.parse(readFixtureText('det/faster_rcnn_tiny_full_config.json'));
    const { test_cfg, ...model } = full;
    const config = parseModelConfig({
      model,
      test_cfg,
      img_norm_cfg: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_rgb: true },
    });
    expect(mmdetHead(config).detector).toMatchObject({ test_cfg: { rpn: { nms_pre: 1000 } } });
    expect(config.input.mean!.map((v) => Number(v.toFixed(6)))).toEqual([0.485, 0.456, 0.406]);
    expect(config.input.std!.map((v) => Number(v.toFixed(6)))).toEqual([0.229, 0.224, 0.225]);
  });

  it('bare mmdet backbone dict (manifest backbone_cfg) → backbone only, neck null', () => {
    const header = readManifestHeader('det/manifest_faster_rcnn_hrnetv2p_w32.json');
    const config = parseModelConfig(header.backbone_cfg as object);
    expect(config.family).toBe('mmdet');
    expect(config.head).toEqual({ type: 'mmdet', neck: null });
    expect(config.backbone).toEqual(getPreset('faster-rcnn-w32').backbone);
  });
});

describe('parseModelConfig — official yaml text', () => {
  it('pose w32_256x192 yaml equals the preset', () => {
    const config = parseModelConfig(POSE_W32_256X192_YAML);
    expect(config.name).toBe('pose_hrnet');
    const { name: _n, test: presetTest, ...expected } = presetToModelConfig(getPreset('pose-coco-w32-256x192'));
    const { name: _m, test, ...actual } = withoutSource(config);
    expect(actual).toEqual(expected);
    expect((config.source as { TEST: unknown }).TEST).toEqual({ FLIP_TEST: true, POST_PROCESS: true, SHIFT_HEATMAP: true });
    // The yaml's TEST keys, typed; the preset carries the same values plus the official thresholds.
    expect(test).toEqual({ flipTest: true, postProcess: true, shiftHeatmap: true, dataset: 'coco' });
    const { dataset: _d, ...switches } = test!;
    expect(presetTest).toMatchObject(switches);
  });

  it('seg cityscapes small-v1 yaml with CRLF endings and NUM_RANCHES equals the preset', () => {
    expect(SEG_SMALL_V1_YAML).toContain('\r\n');
    const config = parseModelConfig(SEG_SMALL_V1_YAML);
    const preset = getPreset('seg-cityscapes-w18-small-v1');
    expect(config.family).toBe('seg');
    expect(config.backbone).toEqual(preset.backbone);
    expect(config.head).toEqual(preset.head);
    expect(config.input.imageSize).toEqual([2048, 1024]);
  });

  it('JSON text goes through the same path', () => {
    const text = readFixtureText('seg/seg_tiny_config.json').replace(/\n/g, '\r\n');
    expect(parseModelConfig(text).head).toEqual({ type: 'seg', numClasses: 19, finalConvKernel: 1 });
  });

  it('cls yaml: 4 branches out, 1000 classes by default, MODEL.NUM_CLASSES read when set', () => {
    const seg = JSON.parse(readFixtureText('seg/seg_tiny_config.json'));
    seg.MODEL.NAME = 'cls_hrnet';
    seg.MODEL.IMAGE_SIZE = [224, 224];
    const config = parseModelConfig(seg);
    expect(config.family).toBe('cls');
    expect(config.head).toEqual({ type: 'cls', numClasses: 1000 });
    expect(config.backbone).toMatchObject({ upsample: 'nearest', multiScaleOutput: true });
    expect(config.input.imageSize).toEqual([224, 224]);
    seg.MODEL.NUM_CLASSES = 10;
    expect(parseModelConfig(seg).head).toEqual({ type: 'cls', numClasses: 10 });
  });

  it('align_corners: explicit key, HRNet-OCR branch default (True), option override', () => {
    const seg = JSON.parse(readFixtureText('seg/seg_tiny_config.json'));
    expect(parseModelConfig(seg).backbone.alignCorners).toBe(false);
    // HRNet-OCR-branch yamls carry MODEL.NUM_OUTPUTS; ade20k leaves ALIGN_CORNERS at that branch's True.
    seg.MODEL.NUM_OUTPUTS = 1;
    expect(parseModelConfig(seg).backbone.alignCorners).toBe(true);
    seg.MODEL.ALIGN_CORNERS = false;
    expect(parseModelConfig(seg).backbone.alignCorners).toBe(false);
    expect(parseModelConfig(seg, { alignCorners: true }).backbone.alignCorners).toBe(true);
  });

  it('reads PyYAML-style `True` from yaml text', () => {
    const config = parseModelConfig(`MODEL:\n  ALIGN_CORNERS: True\n${segYamlTail()}`);
    expect(config.backbone.alignCorners).toBe(true);
  });

  it('MODEL.BN_TYPE and options.batchNorm select InPlaceABN', () => {
    const seg = JSON.parse(readFixtureText('seg/seg_tiny_config.json'));
    expect(parseModelConfig(seg).backbone.batchNorm).toBe('standard');
    seg.MODEL.BN_TYPE = 'inplace-abn';
    expect(parseModelConfig(seg).backbone.batchNorm).toBe('inplace-abn');
    seg.MODEL.BN_TYPE = 'InPlaceABNSync';
    expect(parseModelConfig(seg).backbone.batchNorm).toBe('inplace-abn');
    expect(parseModelConfig(seg, { batchNorm: 'standard' }).backbone.batchNorm).toBe('standard');
  });

  it('family: options.family wins, then MODEL.NAME, then NUM_JOINTS / DATASET.NUM_CLASSES clues', () => {
    const pose = JSON.parse(readFixtureText('pose/pose_tiny_config.json'));
    delete pose.MODEL.NAME;
    expect(parseModelConfig(pose).family).toBe('pose');
    const seg = JSON.parse(readFixtureText('seg/seg_tiny_config.json'));
    delete seg.MODEL.NAME;
    expect(parseModelConfig(seg).family).toBe('seg');
    const forced = parseModelConfig(readFixtureText('seg/seg_tiny_config.json'), { family: 'cls', name: 'mine' });
    expect(forced.family).toBe('cls');
    expect(forced.name).toBe('mine');
  });
});

/** A tiny seg yaml body to append after a `MODEL:` header line (for text-level tests). */
function segYamlTail(): string {
  return [
    '  NAME: seg_hrnet',
    '  EXTRA:',
    '    STAGE1: {NUM_MODULES: 1, NUM_BRANCHES: 1, BLOCK: BOTTLENECK, NUM_BLOCKS: [1], NUM_CHANNELS: [16]}',
    '    STAGE2: {NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: BASIC, NUM_BLOCKS: [1, 1], NUM_CHANNELS: [8, 16]}',
    '    STAGE3: {NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [8, 16, 32]}',
    '    STAGE4: {NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [8, 16, 32, 64]}',
    'DATASET:',
    '  NUM_CLASSES: 19',
    '',
  ].join('\n');
}

describe('parseModelConfig — mmdet HRFPN key style', () => {
  const det = () => JSON.parse(readFixtureText('det/det_tiny_config.json'));

  it('HRNet-Object-Detection fork dicts get the hrnet-det key names', () => {
    const fork = det();
    fork.backbone.type = 'HighResolutionNet';
    expect(mmdetHead(parseModelConfig(fork)).neck!.keyStyle).toBe('hrnet-det');
    const forkNeck = det();
    forkNeck.neck = { type: 'HRFPN', in_channels: [8, 16, 32, 64], out_channels: 32, pooling: 'MAX', share_conv: true };
    expect(mmdetHead(parseModelConfig(forkNeck)).neck).toMatchObject({
      keyStyle: 'hrnet-det',
      poolingType: 'MAX',
      shareConv: true,
    });
  });

  it('explicit key_style in the dict, and options.neckKeyStyle over it', () => {
    const dict = det();
    dict.neck.key_style = 'hrnet-det';
    expect(mmdetHead(parseModelConfig(dict)).neck!.keyStyle).toBe('hrnet-det');
    expect(mmdetHead(parseModelConfig(dict, { neckKeyStyle: 'mmdet2' })).neck!.keyStyle).toBe('mmdet2');
  });

  it('reads pooling_type, stride and num_outs of mmdet 2.x (FCOS-style stride 2)', () => {
    const dict = det();
    Object.assign(dict.neck, { pooling_type: 'MAX', stride: 2, num_outs: 4 });
    expect(mmdetHead(parseModelConfig(dict)).neck).toMatchObject({ poolingType: 'MAX', stride: 2, numOuts: 4 });
  });
});

describe('parseModelConfig — our own JSON layout', () => {
  it('round-trips a ModelConfig through JSON', () => {
    const config = presetToModelConfig(getPreset('faster-rcnn-w18'));
    expect(parseModelConfig(JSON.stringify(config))).toEqual(config);
  });

  it('fills family defaults for left-out backbone fields', () => {
    const config = parseModelConfig({
      family: 'pose',
      backbone: { stages: getPreset('pose-coco-w32-256x192').backbone.stages },
      head: { numJoints: 17 },
    });
    expect(config.name).toBe('custom');
    expect(config.backbone).toEqual(getPreset('pose-coco-w32-256x192').backbone);
    expect(config.head).toEqual({ type: 'pose', numJoints: 17, finalConvKernel: 1 });
    expect(config.input).toEqual({});
  });

  it('keeps explicit mixes (a seg backbone with nearest upsampling, InPlaceABN)', () => {
    const base = presetToModelConfig(getPreset('seg-cityscapes-w48'));
    const config = parseModelConfig({ ...base, backbone: { ...base.backbone, upsample: 'nearest', batchNorm: 'inplace-abn' } });
    expect(config.backbone).toMatchObject({ upsample: 'nearest', batchNorm: 'inplace-abn' });
  });
});

describe('test-time settings (config.test)', () => {
  it('reads an official yaml TEST section and DATASET, and an mmdet test_pipeline, with key paths in errors', () => {
    const root = structuredClone(parseModelConfig(POSE_W32_256X192_YAML).source) as Record<string, unknown>;
    const seg = parseModelConfig({ ...root, DATASET: { DATASET: 'LIP' }, TEST: { IMAGE_SIZE: [480, 360], BASE_SIZE: 480, SCALE_LIST: [0.5, 1], FLIP_TEST: true } });
    expect(seg.test).toEqual({ flipTest: true, scales: [0.5, 1], baseSize: 480, cropSize: [480, 360], dataset: 'lip' });
    expect(() => parseModelConfig({ ...root, TEST: { OKS_THRE: 'x' } })).toThrow(/TEST.OKS_THRE must be a number, got 'x' \(a string\)/);
    const mmdet = readMmdetTest({
      test_pipeline: [
        { type: 'LoadImageFromFile' },
        { type: 'MultiScaleFlipAug', img_scale: [1000, 600], flip: false, transforms: [{ type: 'Resize', keep_ratio: true }, { type: 'Pad', size_divisor: 64 }] },
      ],
    });
    expect(mmdet).toEqual({ imgScale: [1000, 600], keepRatio: true, sizeDivisor: 64 });
    expect(() => readMmdetTest({ test_pipeline: [{ type: 'Pad', size_divisor: 0 }] })).toThrow(/test_pipeline Pad size_divisor must be a positive integer/);
    expect(readOfficialTest({})).toEqual({});
  });
});
