import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseModelConfig } from './parse-config.js';
import { validateModelConfig } from './parse-model-json.js';
import { getPreset, presetToModelConfig } from './presets.js';
import { expectConfigError, readFixtureText } from './test-fixtures.js';
import type { ModelConfig, ModelFamily } from './types.js';

/* Fresh, mutable copies of the fixture configs for each test. */
// biome-ignore lint/suspicious/noExplicitAny: tests mutate arbitrary paths of the fixture JSON
type Json = Record<string, any>;
const pose = (): Json => JSON.parse(readFixtureText('pose/pose_tiny_config.json'));
const seg = (): Json => JSON.parse(readFixtureText('seg/seg_tiny_config.json'));
const det = (): Json => JSON.parse(readFixtureText('det/det_tiny_config.json'));
const own = (id: Parameters<typeof getPreset>[0]): Json => JSON.parse(JSON.stringify(presetToModelConfig(getPreset(id))));

describe('ConfigError', () => {
  it('is an Error with a name and the key path', () => {
    const cfg = seg();
    cfg.MODEL.EXTRA.STAGE3.NUM_CHANNELS = [8, 16];
    const error = expectConfigError(() => parseModelConfig(cfg));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.path).toBe('MODEL.EXTRA.STAGE3.NUM_CHANNELS');
  });
});

describe('stage validation (official yaml paths)', () => {
  it('NUM_BRANCHES vs the length of NUM_CHANNELS / NUM_BLOCKS', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE3.NUM_CHANNELS = [8, 16];
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE3.NUM_CHANNELS has 2 entries but NUM_BRANCHES is 3');
    const b = pose();
    b.MODEL.EXTRA.STAGE4.NUM_BLOCKS = [1, 1, 1, 1, 1];
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE4.NUM_BLOCKS has 5 entries but NUM_BRANCHES is 4');
    const c = seg();
    c.MODEL.EXTRA.STAGE2.NUM_BLOCKS = 1;
    expectConfigError(() => parseModelConfig(c), 'MODEL.EXTRA.STAGE2.NUM_BLOCKS must be a list of 2 positive integers, got 1');
  });

  it('stage k must have k branches', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE3.NUM_BRANCHES = 4;
    a.MODEL.EXTRA.STAGE3.NUM_BLOCKS = [1, 1, 1, 1];
    a.MODEL.EXTRA.STAGE3.NUM_CHANNELS = [8, 16, 32, 64];
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE3.NUM_BRANCHES is 4 but stage 3 must have 3 branches');
    // A cls config whose last stage has 3 branches cannot feed the 4-input cls head.
    const b = seg();
    b.MODEL.NAME = 'cls_hrnet';
    b.MODEL.EXTRA.STAGE4 = { ...b.MODEL.EXTRA.STAGE3 };
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE4.NUM_BRANCHES is 3 but stage 4 must have 4 branches');
  });

  it('STAGE1 is one module of one branch', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE1.NUM_BRANCHES = 2;
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE1.NUM_BRANCHES is 2', 'single branch; expected 1');
    const b = seg();
    b.MODEL.EXTRA.STAGE1.NUM_MODULES = 2;
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE1.NUM_MODULES is 2', 'expected 1');
  });

  it('NUM_BRANCHES and its NUM_RANCHES misspelling must agree when both are given', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE2.NUM_RANCHES = 3;
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE2 sets both NUM_BRANCHES (2) and its misspelling NUM_RANCHES (3)');
  });

  it('non-positive, non-integer and non-numeric numbers', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE2.NUM_MODULES = 0;
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE2.NUM_MODULES must be a positive integer, got 0');
    const b = seg();
    b.MODEL.EXTRA.STAGE3.NUM_CHANNELS = [8, 16.5, 32];
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE3.NUM_CHANNELS[1] must be a positive integer, got 16.5');
    const c = seg();
    c.MODEL.EXTRA.STAGE4.NUM_BLOCKS = [1, '1', 1, 1];
    expectConfigError(() => parseModelConfig(c), "MODEL.EXTRA.STAGE4.NUM_BLOCKS[1] must be a positive integer, got '1' (a string)");
    const d = seg();
    d.DATASET.NUM_CLASSES = -3;
    expectConfigError(() => parseModelConfig(d), 'DATASET.NUM_CLASSES must be a positive integer, got -3');
  });

  it('unknown block type and fuse method', () => {
    const a = seg();
    a.MODEL.EXTRA.STAGE2.BLOCK = 'BASICS';
    expectConfigError(() => parseModelConfig(a), "MODEL.EXTRA.STAGE2.BLOCK is 'BASICS' (a string); expected one of BASIC, BOTTLENECK");
    const b = seg();
    delete b.MODEL.EXTRA.STAGE2.BLOCK;
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE2.BLOCK is missing; expected BASIC or BOTTLENECK');
    const c = seg();
    c.MODEL.EXTRA.STAGE2.FUSE_METHOD = 'CAT';
    expectConfigError(() => parseModelConfig(c), "MODEL.EXTRA.STAGE2.FUSE_METHOD is 'CAT' (a string); expected one of SUM");
  });

  it('missing stages and sections', () => {
    const a = seg();
    delete a.MODEL.EXTRA.STAGE3;
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.STAGE3 is missing', 'NUM_MODULES, NUM_BRANCHES');
    const b = seg();
    delete b.MODEL.EXTRA.STAGE1;
    expectConfigError(() => parseModelConfig(b), 'MODEL.EXTRA.STAGE1 is missing');
    const c = seg();
    delete c.MODEL.EXTRA.STAGE2.NUM_BRANCHES;
    expectConfigError(() => parseModelConfig(c), 'MODEL.EXTRA.STAGE2.NUM_BRANCHES is missing');
    const d = seg();
    delete d.MODEL.EXTRA;
    expectConfigError(() => parseModelConfig(d), 'MODEL.EXTRA is missing', 'STAGE2, STAGE3 and STAGE4');
  });
});

describe('head and family validation (official yaml)', () => {
  it('pose needs MODEL.NUM_JOINTS; seg needs DATASET.NUM_CLASSES', () => {
    const a = pose();
    delete a.MODEL.NUM_JOINTS;
    expectConfigError(() => parseModelConfig(a), 'MODEL.NUM_JOINTS is missing', 'number of joints');
    const b = seg();
    delete b.DATASET.NUM_CLASSES;
    expectConfigError(() => parseModelConfig(b), 'DATASET.NUM_CLASSES is missing', 'number of classes');
  });

  it('FINAL_CONV_KERNEL must be 1 or 3', () => {
    const a = pose();
    a.MODEL.EXTRA.FINAL_CONV_KERNEL = 5;
    expectConfigError(() => parseModelConfig(a), 'MODEL.EXTRA.FINAL_CONV_KERNEL is 5; expected 1 or 3');
  });

  it('seg_hrnet_ocr reads MODEL.OCR (defaults 512 / 256) and checks its values', () => {
    const a = seg();
    a.MODEL.NAME = 'seg_hrnet_ocr';
    const parsed = parseModelConfig(a);
    expect(parsed.head).toMatchObject({ type: 'seg', ocr: { midChannels: 512, keyChannels: 256, dropout: 0.05 } });
    a.MODEL.OCR = { MID_CHANNELS: 32, KEY_CHANNELS: 0 };
    expectConfigError(() => parseModelConfig(a), 'MODEL.OCR.KEY_CHANNELS must be a positive integer, got 0');
    a.MODEL.OCR = 512;
    expectConfigError(() => parseModelConfig(a), 'MODEL.OCR must be a mapping');
  });

  it('unknown MODEL.NAME asks for the family', () => {
    const a = pose();
    a.MODEL.NAME = 'pose_resnet';
    expectConfigError(() => parseModelConfig(a), "MODEL.NAME 'pose_resnet' is not an HRNet model", 'pose_hrnet, seg_hrnet, seg_hrnet_ocr or cls_hrnet', '--family');
    expect(parseModelConfig(a, { family: 'pose' }).family).toBe('pose');
  });

  it('no name and no clue (or both clues) → asks for --family', () => {
    const a = seg();
    delete a.MODEL.NAME;
    delete a.DATASET;
    expectConfigError(() => parseModelConfig(a), 'cannot tell which HRNet family', 'MODEL.NAME is missing', '--family');
    const b = seg();
    delete b.MODEL.NAME;
    b.MODEL.NUM_JOINTS = 17;
    expectConfigError(() => parseModelConfig(b), 'sets both MODEL.NUM_JOINTS (pose) and DATASET.NUM_CLASSES (seg)', '--family');
  });

  it('unknown family, wrong family for the layout, bad option values', () => {
    expectConfigError(() => parseModelConfig(seg(), { family: 'depth' as ModelFamily }), "unknown family 'depth'", 'pose, seg, cls or mmdet');
    expectConfigError(() => parseModelConfig(seg(), { family: 'mmdet' }), "family 'mmdet' needs an mmdet dict");
    expectConfigError(() => parseModelConfig(det(), { family: 'seg' }), "family 'seg' was requested", "family 'mmdet'");
    expectConfigError(
      () => parseModelConfig(seg(), { batchNorm: 'group' as never }),
      "options.batchNorm is 'group' (a string); expected 'standard'",
    );
  });

  it('bad MODEL.BN_TYPE, ALIGN_CORNERS and IMAGE_SIZE values', () => {
    const a = seg();
    a.MODEL.BN_TYPE = 'GN';
    expectConfigError(() => parseModelConfig(a), "MODEL.BN_TYPE is 'GN' (a string); expected 'standard'", "'inplace-abn'");
    const b = seg();
    b.MODEL.ALIGN_CORNERS = 'yes';
    expectConfigError(() => parseModelConfig(b), "MODEL.ALIGN_CORNERS must be true or false, got 'yes' (a string)");
    const c = pose();
    c.MODEL.IMAGE_SIZE = [192];
    expectConfigError(() => parseModelConfig(c), 'MODEL.IMAGE_SIZE has 1 entry but the expected length ([width, height]) is 2');
  });
});

describe('mmdet dict validation', () => {
  it('stage errors use the mmdet key path', () => {
    const a = det();
    a.backbone.extra.stage3.num_channels = [8, 16];
    expectConfigError(() => parseModelConfig(a), 'backbone.extra.stage3.num_channels has 2 entries but num_branches is 3');
    const b = { model: det() };
    b.model.backbone.extra.stage2.block = 'RESNEXT';
    expectConfigError(() => parseModelConfig(b), "model.backbone.extra.stage2.block is 'RESNEXT' (a string); expected one of BASIC, BOTTLENECK");
    const c = det().backbone;
    c.extra.stage4.num_modules = -1;
    expectConfigError(() => parseModelConfig(c), 'extra.stage4.num_modules must be a positive integer, got -1');
  });

  it('non-HRNet backbones, norms and stems are refused', () => {
    const a = det();
    a.backbone.type = 'ResNet';
    expectConfigError(() => parseModelConfig(a), "backbone.type is 'ResNet' (a string); only HRNet backbones are supported");
    const b = det();
    b.backbone.norm_cfg = { type: 'GN', num_groups: 32 };
    expectConfigError(() => parseModelConfig(b), "backbone.norm_cfg.type is 'GN' (a string); expected one of BN, SyncBN");
    const c = det();
    c.backbone.in_channels = 4;
    expectConfigError(() => parseModelConfig(c), 'backbone.in_channels is 4; the HRNet stem takes 3 (RGB) channels');
    const d = det();
    delete d.backbone.extra;
    expectConfigError(() => parseModelConfig(d), 'backbone.extra is missing', 'stage1, stage2, stage3 and stage4');
  });

  it('neck errors: type, in_channels vs backbone, out_channels, share_conv, norms, single-output backbone', () => {
    const a = det();
    a.neck.type = 'FPN';
    expectConfigError(() => parseModelConfig(a), "neck.type is 'FPN' (a string); only the HRFPN neck is supported");
    const b = det();
    b.neck.in_channels = [8, 16, 32, 32];
    expectConfigError(() => parseModelConfig(b), 'neck.in_channels is [8, 16, 32, 32] but the backbone outputs [8, 16, 32, 64] channels');
    const c = det();
    delete c.neck.out_channels;
    expectConfigError(() => parseModelConfig(c), 'neck.out_channels is missing');
    const d = det();
    d.neck.share_conv = true;
    d.neck.key_style = 'mmdet2';
    expectConfigError(() => parseModelConfig(d), "neck.share_conv is true but key style is 'mmdet2'");
    const e = det();
    e.neck.norm_cfg = { type: 'BN' };
    expectConfigError(() => parseModelConfig(e), 'neck.norm_cfg is set', 'no norm layers');
    const f = det();
    f.backbone.multiscale_output = false;
    expectConfigError(() => parseModelConfig(f), 'HRFPN needs all four branch outputs but backbone.multiscale_output is false');
    const g = det();
    g.neck.pooling_type = 'SUM';
    expectConfigError(() => parseModelConfig(g), "neck.pooling_type is 'SUM' (a string); expected one of AVG, MAX");
  });
});

describe('our JSON layout and validateModelConfig', () => {
  it('stage errors name the ModelConfig field', () => {
    const a = own('cls-w18');
    a.backbone.stages[1].numChannels = [18, 36];
    expectConfigError(() => parseModelConfig(a), 'backbone.stages[1].numChannels has 2 entries but numBranches is 3');
    const b = own('cls-w18');
    b.backbone.stages.pop();
    expectConfigError(() => parseModelConfig(b), 'backbone.stages has 2 entries; expected 3 (stage2, stage3, stage4)');
    const c = own('seg-cityscapes-w48');
    delete c.backbone.stage1;
    expectConfigError(() => parseModelConfig(c), "backbone.stage1 is missing; only family 'pose' has a fixed layer1");
  });

  it('cls / seg heads and HRFPN need all four branch outputs', () => {
    const a = own('cls-w32');
    a.backbone.multiScaleOutput = false;
    expectConfigError(() => parseModelConfig(a), 'the cls head needs all four branch outputs but backbone.multiScaleOutput is false');
    const b = own('seg-lip-w48');
    b.backbone.multiScaleOutput = false;
    expectConfigError(() => parseModelConfig(b), 'the seg head needs all four branch outputs');
    const c = own('faster-rcnn-w40');
    c.backbone.multiScaleOutput = false;
    expectConfigError(() => parseModelConfig(c), 'HRFPN needs all four branch outputs');
  });

  it('head/family mismatches and missing head fields', () => {
    const a = own('pose-coco-w32-256x192');
    a.head.type = 'seg';
    expectConfigError(() => parseModelConfig(a), "head.type is 'seg' (a string) but family is 'pose'");
    const b = own('pose-coco-w32-256x192');
    delete b.head.numJoints;
    expectConfigError(() => parseModelConfig(b), 'head.numJoints is missing');
    const c = own('pose-coco-w32-256x192');
    delete c.head;
    expectConfigError(() => parseModelConfig(c), "head is missing; expected a mapping with type 'pose'");
    expectConfigError(() => parseModelConfig(own('cls-w18'), { family: 'seg' }), "the config says family 'cls' but 'seg' was requested");
    const d = own('cls-w18');
    d.family = 'depth';
    expectConfigError(() => parseModelConfig(d), "unknown family 'depth' (a string) at family");
  });

  it('neck and input fields', () => {
    const a = own('faster-rcnn-w18');
    a.head.neck.inChannels = [18, 36, 72];
    expectConfigError(() => parseModelConfig(a), 'head.neck.inChannels is [18, 36, 72] but the backbone outputs [18, 36, 72, 144]');
    const b = own('faster-rcnn-w18');
    b.head.neck.shareConv = true;
    expectConfigError(() => parseModelConfig(b), "head.neck.shareConv is true but keyStyle is 'mmdet2'");
    const c = own('seg-ade20k-w48');
    c.input.std = [0.229, 0, 0.225];
    expectConfigError(() => parseModelConfig(c), 'input.std must be three positive numbers (R, G, B)');
  });

  it('validateModelConfig applies the same rules to configs built in code', () => {
    const config = presetToModelConfig(getPreset('cls-w48'));
    expect(validateModelConfig(config)).toEqual(config);
    const broken: ModelConfig = { ...config, backbone: { ...config.backbone, stages: [config.backbone.stages[0]] } };
    expectConfigError(() => validateModelConfig(broken), 'backbone.stages has 1 entry; expected 3');
  });
});

describe('text and layout errors', () => {
  it('empty text, malformed yaml, non-mapping roots', () => {
    expectConfigError(() => parseModelConfig(' \r\n '), 'the config text is empty');
    expectConfigError(() => parseModelConfig('MODEL: [1, 2\nDATASET: 3'), 'could not parse the config text as YAML or JSON');
    expectConfigError(() => parseModelConfig('- 1\n- 2\n'), 'must be a mapping at the top level, got [1, 2]');
  });

  it('a Python mmdet config gets dump-to-JSON advice', () => {
    const py = "_base_ = '../faster_rcnn/faster_rcnn_r50_fpn_1x_coco.py'\nmodel = dict(\n    backbone=dict(\n        type='HRNet'))\n";
    expectConfigError(() => parseModelConfig(py), 'mmdet Python config', 'dump it to JSON');
  });

  it('an unrecognised layout lists what is accepted', () => {
    expectConfigError(() => parseModelConfig({ foo: 1, bar: 2 }), 'unrecognised config layout (top-level keys: foo, bar)', 'MODEL.EXTRA', 'backbone.extra.stage1');
    expect(() => parseModelConfig({})).toThrow(ConfigError);
  });
});
