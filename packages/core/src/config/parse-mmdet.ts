import { ConfigError } from './config-error.js';
import {
  type Dict,
  describeValue,
  isDict,
  joinPath,
  readBoolean,
  readChoice,
  readPositiveInt,
  readPositiveIntList,
} from './config-values.js';
import { checkAllBranchesOut, checkNeckInputs } from './cross-checks.js';
import { familyDefaults } from './family-defaults.js';
import type { ParseConfigOptions } from './parse-options.js';
import { readMmdetTest } from './test-settings.js';
import { MMDET_STAGE_KEYS, readStage } from './parse-stage.js';
import type { BackboneConfig, HRFPNConfig, InputConfig, ModelConfig } from './types.js';

/**
 * Registered backbone names: `HRNet` (mmdet 1.x/2.x/3.x), `HighResolutionNet` and
 * `SyncHighResolutionNet` (HRNet-Object-Detection fork, same keys).
 */
const HRNET_TYPES = ['HRNet', 'HighResolutionNet', 'SyncHighResolutionNet'] as const;
const DET_FORK_TYPES: readonly string[] = ['HighResolutionNet', 'SyncHighResolutionNet'];

/** Constructor arguments only the HRNet-Object-Detection fork's HRFPN has (mmdet's has none of them). */
const DET_FORK_NECK_KEYS = ['pooling', 'share_conv', 'normalize', 'conv_stride'];

/**
 * True for an mmdet config object: `{model: {...}}`, a model dict with a `backbone` dict, or a bare
 * backbone dict with `extra.stage1`.
 */
export function isMmdetLayout(root: Dict): boolean {
  if (isDict(root.model)) return true;
  if (isDict(root.backbone)) return true;
  return isDict(root.extra) && isDict(root.extra.stage1);
}

/**
 * mmdet dict → ModelConfig (family 'mmdet'). `head.detector` is the model dict minus backbone and
 * neck, kept when it describes a detector (has `type`, a `*_head` or `test_cfg`).
 *
 * HRFPN key style: `neck.key_style` ('mmdet2' | 'hrnet-det', our extension of the dict) or
 * `options.neckKeyStyle` pick the state_dict naming explicitly; otherwise it is 'hrnet-det' when the
 * dict comes from the HRNet-Object-Detection fork (backbone type `HighResolutionNet`, or a neck with
 * that fork's `pooling` / `share_conv` / `normalize` arguments) and 'mmdet2' otherwise (mmdet 1.x
 * and 2.x/3.x name HRFPN's convs the same way).
 */
export function parseMmdetConfig(root: Dict, options: ParseConfigOptions): ModelConfig {
  if (options.family !== undefined && options.family !== 'mmdet') {
    throw new ConfigError(
      `this is an mmdet dict (backbone.extra.stage1..4) but family '${options.family}' was requested; mmdet dicts build family 'mmdet'`,
    );
  }
  const wrapped = isDict(root.model);
  const model = wrapped ? (root.model as Dict) : root;
  const prefix = wrapped ? 'model' : '';
  const isModelDict = isDict(model.backbone);
  const backboneRaw = isModelDict ? (model.backbone as Dict) : model;
  const backbonePath = isModelDict ? joinPath(prefix, 'backbone') : prefix;

  const backbone = readBackbone(backboneRaw, backbonePath, options);
  const lastStagePath = joinPath(backbonePath, 'extra.stage4.num_channels');

  let neck: HRFPNConfig | null = null;
  let detector: Record<string, unknown> | undefined;
  if (isModelDict) {
    const neckPath = joinPath(prefix, 'neck');
    if (model.neck !== undefined && model.neck !== null) {
      neck = readNeck(model.neck, neckPath, backboneRaw, options);
      checkAllBranchesOut('HRFPN', backbone.multiScaleOutput, joinPath(backbonePath, 'multiscale_output'));
      checkNeckInputs(neck.inChannels, backbone.stages[2], joinPath(neckPath, 'in_channels'), lastStagePath);
    }
    const rest = Object.fromEntries(Object.entries(model).filter(([k]) => k !== 'backbone' && k !== 'neck'));
    // Old mmdet configs keep test_cfg next to `model`, not inside it.
    if (wrapped && rest.test_cfg === undefined && root.test_cfg !== undefined) rest.test_cfg = root.test_cfg;
    // A dict with only backbone + neck (plus notes) is a feature extractor, not a detector.
    if (Object.keys(rest).some((k) => k === 'type' || k === 'test_cfg' || k.endsWith('_head'))) detector = rest;
  }

  return {
    name: options.name ?? (typeof model.type === 'string' ? model.type : 'HRNet'),
    family: 'mmdet',
    backbone,
    head: detector === undefined ? { type: 'mmdet', neck } : { type: 'mmdet', neck, detector },
    input: readNormalisation(root, model),
    test: readMmdetTest(root),
    source: root,
  };
}

function readBackbone(raw: Dict, path: string, options: ParseConfigOptions): BackboneConfig {
  const typePath = joinPath(path, 'type');
  if (raw.type !== undefined && !(HRNET_TYPES as readonly unknown[]).includes(raw.type)) {
    throw new ConfigError(
      `${typePath} is ${describeValue(raw.type)}; only HRNet backbones are supported (type ${HRNET_TYPES.map((t) => `'${t}'`).join(', ')})`,
      { path: typePath },
    );
  }
  if (raw.in_channels !== undefined && readPositiveInt(raw.in_channels, joinPath(path, 'in_channels')) !== 3) {
    throw new ConfigError(`${joinPath(path, 'in_channels')} is ${raw.in_channels}; the HRNet stem takes 3 (RGB) channels`, {
      path: joinPath(path, 'in_channels'),
    });
  }
  if (raw.norm_cfg !== undefined && raw.norm_cfg !== null) {
    const normPath = joinPath(path, 'norm_cfg.type');
    // SyncBN is BatchNorm at inference; GN would need different layers and keys.
    readChoice(isDict(raw.norm_cfg) ? raw.norm_cfg.type : raw.norm_cfg, normPath, ['BN', 'SyncBN'] as const);
  }
  const extraPath = joinPath(path, 'extra');
  const extra = raw.extra;
  if (!isDict(extra)) {
    throw new ConfigError(
      `${extraPath} is ${extra === undefined ? 'missing' : describeValue(extra)}; it must hold stage1, stage2, stage3 and stage4`,
      { path: extraPath },
    );
  }
  const [stage1, ...stages] = [1, 2, 3, 4].map((k) =>
    readStage(extra[`stage${k}`], joinPath(extraPath, `stage${k}`), MMDET_STAGE_KEYS, k),
  );
  const defaults = familyDefaults('mmdet', { alignCorners: options.alignCorners, batchNorm: options.batchNorm });
  const multiScaleOutput =
    raw.multiscale_output === undefined
      ? defaults.multiScaleOutput
      : readBoolean(raw.multiscale_output, joinPath(path, 'multiscale_output'));
  return {
    stage1,
    stages,
    upsample: defaults.upsample,
    alignCorners: defaults.alignCorners,
    multiScaleOutput,
    batchNorm: defaults.batchNorm,
  };
}

function readNeck(raw: unknown, path: string, backboneRaw: Dict, options: ParseConfigOptions): HRFPNConfig {
  if (!isDict(raw)) throw new ConfigError(`${path} must be a mapping, got ${describeValue(raw)}`, { path });
  const at = (key: string) => joinPath(path, key);
  if (raw.type !== 'HRFPN') {
    throw new ConfigError(`${at('type')} is ${describeValue(raw.type)}; only the HRFPN neck is supported`, {
      path: at('type'),
    });
  }
  for (const key of ['norm_cfg', 'normalize', 'conv_cfg']) {
    if (raw[key] !== undefined && raw[key] !== null) {
      throw new ConfigError(`${at(key)} is set; only the plain HRFPN (convs with bias, no norm layers) is supported`, {
        path: at(key),
      });
    }
  }
  if (!Array.isArray(raw.in_channels)) {
    throw new ConfigError(`${at('in_channels')} must be the list of backbone branch widths, got ${describeValue(raw.in_channels)}`, {
      path: at('in_channels'),
    });
  }
  const inChannels = readPositiveIntList(raw.in_channels, at('in_channels'), raw.in_channels.length, 'its length');
  if (raw.out_channels === undefined) {
    throw new ConfigError(`${at('out_channels')} is missing; HRFPN needs its output width (256 in mmdet configs)`, {
      path: at('out_channels'),
    });
  }
  const outChannels = readPositiveInt(raw.out_channels, at('out_channels'));
  const numOuts = raw.num_outs === undefined ? 5 : readPositiveInt(raw.num_outs, at('num_outs'));
  const poolingKey = raw.pooling_type !== undefined ? 'pooling_type' : 'pooling';
  const poolingType =
    raw[poolingKey] === undefined ? 'AVG' : readChoice(raw[poolingKey], at(poolingKey), ['AVG', 'MAX'] as const);
  const strideKey = raw.stride !== undefined ? 'stride' : 'conv_stride';
  const stride = raw[strideKey] === undefined ? 1 : readPositiveInt(raw[strideKey], at(strideKey));
  const shareConv = raw.share_conv === undefined ? false : readBoolean(raw.share_conv, at('share_conv'));

  const inferred: HRFPNConfig['keyStyle'] =
    DET_FORK_TYPES.includes(String(backboneRaw.type)) || DET_FORK_NECK_KEYS.some((k) => raw[k] !== undefined)
      ? 'hrnet-det'
      : 'mmdet2';
  const keyStyle =
    options.neckKeyStyle ??
    (raw.key_style === undefined ? inferred : readChoice(raw.key_style, at('key_style'), ['mmdet2', 'hrnet-det'] as const));
  if (shareConv && keyStyle === 'mmdet2') {
    throw new ConfigError(
      `${at('share_conv')} is true but key style is 'mmdet2'; shared fpn convs exist only in the HRNet-Object-Detection HRFPN (key_style 'hrnet-det')`,
      { path: at('share_conv') },
    );
  }
  return { inChannels, outChannels, numOuts, poolingType, stride, keyStyle, shareConv };
}

/**
 * Normalisation from the dumped config, when it is stated in RGB order: mmdet 2.x `img_norm_cfg`
 * (to_rgb) or 3.x `model.data_preprocessor` (bgr_to_rgb), converted to 0..1 units. BGR/caffe
 * settings (FCOS-HRNet) are left to the detection package, which has `source`.
 */
function readNormalisation(root: Dict, model: Dict): InputConfig {
  const candidates: Array<[unknown, string, string]> = [
    [root.img_norm_cfg, 'img_norm_cfg', 'to_rgb'],
    [model.data_preprocessor, 'data_preprocessor', 'bgr_to_rgb'],
  ];
  for (const [cfg, path, rgbKey] of candidates) {
    if (!isDict(cfg) || cfg[rgbKey] !== true) continue;
    const ok = (v: unknown): v is number[] =>
      Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
    if (!ok(cfg.mean) || !ok(cfg.std) || cfg.std.some((x) => x === 0)) {
      throw new ConfigError(`${path}.mean/std must be three non-negative numbers each (std > 0)`, { path });
    }
    const [m0, m1, m2] = cfg.mean.map((x) => x / 255);
    const [s0, s1, s2] = cfg.std.map((x) => x / 255);
    return { mean: [m0, m1, m2], std: [s0, s1, s2] };
  }
  return {};
}
