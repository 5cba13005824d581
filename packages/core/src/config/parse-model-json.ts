import { ConfigError } from './config-error.js';
import {
  type Dict,
  describeValue,
  isDict,
  readBatchNorm,
  readBoolean,
  readChoice,
  readFinalConvKernel,
  readPositiveInt,
  readPositiveIntList,
  readRequiredPositiveInt,
  readSize,
  readTriple,
} from './config-values.js';
import { checkAllBranchesOut, checkNeckInputs } from './cross-checks.js';
import { familyDefaults, readFamily } from './family-defaults.js';
import { readTestObject } from './test-settings.js';
import { readJsonOcr } from './ocr-head.js';
import type { ParseConfigOptions } from './parse-options.js';
import { JSON_STAGE_KEYS, readStage } from './parse-stage.js';
import type { BackboneConfig, HRFPNConfig, HeadConfig, InputConfig, ModelConfig, ModelFamily } from './types.js';

/** True for our own layout: a ModelConfig written out as JSON (`family` + `backbone.stages`). */
export function isModelConfigLayout(root: Dict): boolean {
  return root.family !== undefined && isDict(root.backbone) && Array.isArray(root.backbone.stages);
}

/**
 * Our own JSON layout (the {@link ModelConfig} fields) → a checked ModelConfig. Backbone fields that
 * are left out get the family defaults, so a minimal file is `{family, backbone: {stage1, stages},
 * head}`; `backbone.stage1` may be left out for pose only.
 */
export function parseModelConfigObject(root: Dict, options: ParseConfigOptions): ModelConfig {
  const family = readFamily(root.family, 'family');
  if (options.family !== undefined && options.family !== family) {
    throw new ConfigError(`the config says family '${family}' but '${options.family}' was requested`, { path: 'family' });
  }
  const backbone = readBackbone(root.backbone as Dict, family, options);
  const config: ModelConfig = {
    name: options.name ?? (typeof root.name === 'string' ? root.name : 'custom'),
    family,
    backbone,
    head: readHead(root.head, family, backbone, options),
    input: readInput(root.input),
  };
  if (root.test !== undefined) config.test = readTestObject(root.test);
  if (root.source !== undefined) config.source = root.source;
  return config;
}

/**
 * Checks a ModelConfig built in code (or loaded from anywhere) with the same rules as the parsers,
 * returning a normalised copy. Throws {@link ConfigError} naming fields as `backbone.stages[1].numChannels`.
 */
export function validateModelConfig(config: ModelConfig): ModelConfig {
  if (!isDict(config)) throw new ConfigError(`a ModelConfig must be an object, got ${describeValue(config)}`);
  return parseModelConfigObject(config as unknown as Dict, {});
}

function readBackbone(b: Dict, family: ModelFamily, options: ParseConfigOptions): BackboneConfig {
  const stagesRaw = b.stages as unknown[];
  if (stagesRaw.length !== 3) {
    throw new ConfigError(`backbone.stages has ${stagesRaw.length} ${stagesRaw.length === 1 ? 'entry' : 'entries'}; expected 3 (stage2, stage3, stage4)`, {
      path: 'backbone.stages',
    });
  }
  const alignCorners =
    options.alignCorners ?? (b.alignCorners === undefined ? undefined : readBoolean(b.alignCorners, 'backbone.alignCorners'));
  const batchNorm =
    options.batchNorm ?? (b.batchNorm === undefined ? undefined : readBatchNorm(b.batchNorm, 'backbone.batchNorm'));
  const defaults = familyDefaults(family, { alignCorners, batchNorm });

  let stage1;
  if (b.stage1 !== undefined) {
    stage1 = readStage(b.stage1, 'backbone.stage1', JSON_STAGE_KEYS, 1);
  } else if (defaults.stage1 !== undefined) {
    stage1 = defaults.stage1;
  } else {
    throw new ConfigError(`backbone.stage1 is missing; only family 'pose' has a fixed layer1`, { path: 'backbone.stage1' });
  }
  return {
    stage1,
    stages: stagesRaw.map((s, i) => readStage(s, `backbone.stages[${i}]`, JSON_STAGE_KEYS, i + 2)),
    upsample:
      b.upsample === undefined
        ? defaults.upsample
        : readChoice(b.upsample, 'backbone.upsample', ['nearest', 'bilinear'] as const),
    alignCorners: defaults.alignCorners,
    multiScaleOutput:
      b.multiScaleOutput === undefined
        ? defaults.multiScaleOutput
        : readBoolean(b.multiScaleOutput, 'backbone.multiScaleOutput'),
    batchNorm: defaults.batchNorm,
  };
}

function readHead(raw: unknown, family: ModelFamily, backbone: BackboneConfig, options: ParseConfigOptions): HeadConfig {
  if (!isDict(raw)) {
    throw new ConfigError(`head is ${raw === undefined ? 'missing' : describeValue(raw)}; expected a mapping with type '${family}'`, {
      path: 'head',
    });
  }
  // One head per family: the family decides the module tree and the checkpoint keys.
  if (raw.type !== undefined && raw.type !== family) {
    throw new ConfigError(`head.type is ${describeValue(raw.type)} but family is '${family}'; they must be the same`, {
      path: 'head.type',
    });
  }
  switch (family) {
    case 'pose':
      return {
        type: 'pose',
        numJoints: readRequiredPositiveInt(raw.numJoints, 'head.numJoints', 'the pose head needs the number of joints'),
        finalConvKernel: readFinalConvKernel(raw.finalConvKernel, 'head.finalConvKernel'),
      };
    case 'seg':
      checkAllBranchesOut('the seg head', backbone.multiScaleOutput, 'backbone.multiScaleOutput');
      {
        const head: HeadConfig = {
          type: 'seg',
          numClasses: readRequiredPositiveInt(raw.numClasses, 'head.numClasses', 'the seg head needs the number of classes'),
          finalConvKernel: readFinalConvKernel(raw.finalConvKernel, 'head.finalConvKernel'),
        };
        const ocr = readJsonOcr(raw.ocr);
        if (ocr) head.ocr = ocr;
        return head;
      }
    case 'cls':
      checkAllBranchesOut('the cls head', backbone.multiScaleOutput, 'backbone.multiScaleOutput');
      return {
        type: 'cls',
        numClasses: raw.numClasses === undefined ? 1000 : readPositiveInt(raw.numClasses, 'head.numClasses'),
      };
    case 'mmdet': {
      const neck = raw.neck === undefined || raw.neck === null ? null : readNeck(raw.neck, backbone, options);
      if (raw.detector !== undefined && !isDict(raw.detector)) {
        throw new ConfigError(`head.detector must be a mapping (the rest of the mmdet model dict), got ${describeValue(raw.detector)}`, {
          path: 'head.detector',
        });
      }
      return raw.detector === undefined ? { type: 'mmdet', neck } : { type: 'mmdet', neck, detector: raw.detector };
    }
  }
}

function readNeck(raw: unknown, backbone: BackboneConfig, options: ParseConfigOptions): HRFPNConfig {
  if (!isDict(raw)) throw new ConfigError(`head.neck must be a mapping or null, got ${describeValue(raw)}`, { path: 'head.neck' });
  if (!Array.isArray(raw.inChannels)) {
    throw new ConfigError(`head.neck.inChannels must be the list of backbone branch widths, got ${describeValue(raw.inChannels)}`, {
      path: 'head.neck.inChannels',
    });
  }
  const inChannels = readPositiveIntList(raw.inChannels, 'head.neck.inChannels', raw.inChannels.length, 'its length');
  const neck: HRFPNConfig = {
    inChannels,
    outChannels: readRequiredPositiveInt(raw.outChannels, 'head.neck.outChannels', 'HRFPN needs its output width'),
    numOuts: raw.numOuts === undefined ? 5 : readPositiveInt(raw.numOuts, 'head.neck.numOuts'),
    poolingType: raw.poolingType === undefined ? 'AVG' : readChoice(raw.poolingType, 'head.neck.poolingType', ['AVG', 'MAX'] as const),
    stride: raw.stride === undefined ? 1 : readPositiveInt(raw.stride, 'head.neck.stride'),
    keyStyle:
      options.neckKeyStyle ??
      (raw.keyStyle === undefined ? 'mmdet2' : readChoice(raw.keyStyle, 'head.neck.keyStyle', ['mmdet2', 'hrnet-det'] as const)),
    shareConv: raw.shareConv === undefined ? false : readBoolean(raw.shareConv, 'head.neck.shareConv'),
  };
  if (neck.shareConv && neck.keyStyle === 'mmdet2') {
    throw new ConfigError(
      "head.neck.shareConv is true but keyStyle is 'mmdet2'; shared fpn convs exist only in the HRNet-Object-Detection HRFPN ('hrnet-det')",
      { path: 'head.neck.shareConv' },
    );
  }
  checkAllBranchesOut('HRFPN', backbone.multiScaleOutput, 'backbone.multiScaleOutput');
  checkNeckInputs(neck.inChannels, backbone.stages[2], 'head.neck.inChannels', 'backbone.stages[2].numChannels');
  return neck;
}

function readInput(raw: unknown): InputConfig {
  if (raw === undefined) return {};
  if (!isDict(raw)) throw new ConfigError(`input must be a mapping, got ${describeValue(raw)}`, { path: 'input' });
  const input: InputConfig = {};
  if (raw.imageSize !== undefined) input.imageSize = readSize(raw.imageSize, 'input.imageSize');
  if (raw.heatmapSize !== undefined) input.heatmapSize = readSize(raw.heatmapSize, 'input.heatmapSize');
  if (raw.mean !== undefined) input.mean = readTriple(raw.mean, 'input.mean', false);
  if (raw.std !== undefined) input.std = readTriple(raw.std, 'input.std', true);
  return input;
}
