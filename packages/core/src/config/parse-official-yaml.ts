import { ConfigError } from './config-error.js';
import {
  type Dict,
  describeValue,
  isDict,
  readBatchNorm,
  readBoolean,
  readFinalConvKernel,
  readPositiveInt,
  readRequiredPositiveInt,
  readSize,
} from './config-values.js';
import { familyDefaults } from './family-defaults.js';
import { OCR_MODEL_NAME, readYamlOcr } from './ocr-head.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './imagenet.js';
import type { ParseConfigOptions } from './parse-options.js';
import { YAML_STAGE_KEYS, readStage } from './parse-stage.js';
import { readOfficialTest } from './test-settings.js';
import type { HeadConfig, InputConfig, ModelConfig, ModelFamily } from './types.js';

/** `MODEL.NAME` values of the official repositories. */
const NAME_TO_FAMILY: Record<string, Exclude<ModelFamily, 'mmdet'>> = {
  pose_hrnet: 'pose',
  seg_hrnet: 'seg',
  // HRNet-OCR: the seg family with `head.ocr` (MODEL.OCR); its yamls live in the HRNet-OCR branch.
  [OCR_MODEL_NAME]: 'seg',
  cls_hrnet: 'cls',
};

/**
 * Keys that only the HRNet-OCR branch's `lib/config/default.py` declares. yacs rejects unknown
 * keys, so a yaml carrying one of them was written for that branch — whose default for
 * `MODEL.ALIGN_CORNERS` is True (its ade20k/cocostuff seg_hrnet yamls rely on it).
 */
const OCR_BRANCH_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['MODEL', 'NUM_OUTPUTS'],
  ['MODEL', 'OCR'],
  ['LOSS', 'BALANCE_WEIGHTS'],
  ['TEST', 'OUTPUT_INDEX'],
];

/** True when the object has the official yaml shape (a `MODEL` mapping). */
export function isOfficialYamlLayout(root: Dict): boolean {
  return isDict(root.MODEL);
}

/**
 * Official HRNet yaml (pose / seg / cls repositories) → ModelConfig.
 *
 * Extra key read here (not in the official schema): `MODEL.BN_TYPE: inplace-abn` marks a config for
 * an InPlaceABNSync checkpoint (SEG master, `*_torch04`); `standard` is the default.
 */
export function parseOfficialYaml(root: Dict, options: ParseConfigOptions): ModelConfig {
  const model = root.MODEL as Dict;
  const family = resolveFamily(root, model, options);
  const extra = model.EXTRA;
  if (!isDict(extra)) {
    throw new ConfigError(
      `MODEL.EXTRA is ${extra === undefined ? 'missing' : describeValue(extra)}; it must hold STAGE2, STAGE3 and STAGE4${family === 'pose' ? '' : ' (and STAGE1)'}`,
      { path: 'MODEL.EXTRA' },
    );
  }

  const alignCorners =
    options.alignCorners ??
    (model.ALIGN_CORNERS !== undefined
      ? readBoolean(model.ALIGN_CORNERS, 'MODEL.ALIGN_CORNERS')
      : OCR_BRANCH_KEYS.some(([section, key]) => isDict(root[section]) && (root[section] as Dict)[key] !== undefined));
  const batchNorm =
    options.batchNorm ?? (model.BN_TYPE === undefined ? undefined : readBatchNorm(model.BN_TYPE, 'MODEL.BN_TYPE'));
  const defaults = familyDefaults(family, { alignCorners, batchNorm });

  const stage1 = defaults.stage1 ?? readStage(extra.STAGE1, 'MODEL.EXTRA.STAGE1', YAML_STAGE_KEYS, 1);
  const stages = [2, 3, 4].map((k) => readStage(extra[`STAGE${k}`], `MODEL.EXTRA.STAGE${k}`, YAML_STAGE_KEYS, k));

  return {
    name: options.name ?? (typeof model.NAME === 'string' ? model.NAME : family),
    family,
    backbone: {
      stage1,
      stages,
      upsample: defaults.upsample,
      alignCorners: defaults.alignCorners,
      multiScaleOutput: defaults.multiScaleOutput,
      batchNorm: defaults.batchNorm,
    },
    head: readHead(family, root, model, extra),
    input: readInput(family, root, model),
    test: readOfficialTest(root),
    source: root,
  };
}

function resolveFamily(root: Dict, model: Dict, options: ParseConfigOptions): Exclude<ModelFamily, 'mmdet'> {
  const name = model.NAME;
  if (name !== undefined && typeof name !== 'string') {
    throw new ConfigError(`MODEL.NAME must be a string such as pose_hrnet, got ${describeValue(name)}`, {
      path: 'MODEL.NAME',
    });
  }
  const lower = name?.toLowerCase();
  if (options.family === 'mmdet') {
    throw new ConfigError(
      "family 'mmdet' needs an mmdet dict (backbone.extra.stage1..4, neck …), but this is an official HRNet yaml (MODEL.EXTRA)",
    );
  }
  if (options.family !== undefined) return options.family;
  if (lower !== undefined) {
    const family = NAME_TO_FAMILY[lower];
    if (family === undefined) {
      throw new ConfigError(
        `MODEL.NAME '${name}' is not an HRNet model this library knows; expected pose_hrnet, seg_hrnet, seg_hrnet_ocr or cls_hrnet ` +
          '(or force the family with options.family / --family pose|seg|cls)',
        { path: 'MODEL.NAME' },
      );
    }
    return family;
  }
  const hasJoints = model.NUM_JOINTS !== undefined;
  const hasSegClasses = isDict(root.DATASET) && root.DATASET.NUM_CLASSES !== undefined;
  if (hasJoints !== hasSegClasses) return hasJoints ? 'pose' : 'seg';
  const why = hasJoints
    ? 'it sets both MODEL.NUM_JOINTS (pose) and DATASET.NUM_CLASSES (seg)'
    : 'MODEL.NAME is missing and neither MODEL.NUM_JOINTS (pose) nor DATASET.NUM_CLASSES (seg) is set';
  throw new ConfigError(
    `cannot tell which HRNet family this config is for: ${why}; pass the family explicitly (options.family / --family pose|seg|cls)`,
  );
}

function readHead(family: Exclude<ModelFamily, 'mmdet'>, root: Dict, model: Dict, extra: Dict): HeadConfig {
  switch (family) {
    case 'pose':
      return {
        type: 'pose',
        numJoints: readRequiredPositiveInt(
          model.NUM_JOINTS,
          'MODEL.NUM_JOINTS',
          'the pose head needs the number of joints (17 for COCO, 16 for MPII)',
        ),
        finalConvKernel: readFinalConvKernel(extra.FINAL_CONV_KERNEL, 'MODEL.EXTRA.FINAL_CONV_KERNEL'),
      };
    case 'seg': {
      const dataset = isDict(root.DATASET) ? root.DATASET : {};
      const head: HeadConfig = {
        type: 'seg',
        numClasses: readRequiredPositiveInt(
          dataset.NUM_CLASSES,
          'DATASET.NUM_CLASSES',
          'the seg head needs the number of classes (19 Cityscapes, 20 LIP, 59 PASCAL-Context, 150 ADE20K, 171 COCO-Stuff)',
        ),
        finalConvKernel: readFinalConvKernel(extra.FINAL_CONV_KERNEL, 'MODEL.EXTRA.FINAL_CONV_KERNEL'),
      };
      if (typeof model.NAME === 'string' && model.NAME.toLowerCase() === OCR_MODEL_NAME) head.ocr = readYamlOcr(model.OCR);
      return head;
    }
    case 'cls':
      return {
        type: 'cls',
        // cls_hrnet's default.py: 1000 ImageNet classes.
        numClasses: model.NUM_CLASSES === undefined ? 1000 : readPositiveInt(model.NUM_CLASSES, 'MODEL.NUM_CLASSES'),
      };
  }
}

function readInput(family: Exclude<ModelFamily, 'mmdet'>, root: Dict, model: Dict): InputConfig {
  const input: InputConfig = { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] };
  if (model.IMAGE_SIZE !== undefined) {
    input.imageSize = readSize(model.IMAGE_SIZE, 'MODEL.IMAGE_SIZE');
  } else if (family === 'seg' && isDict(root.TEST) && root.TEST.IMAGE_SIZE !== undefined) {
    // Seg yamls have no MODEL.IMAGE_SIZE; TEST.IMAGE_SIZE is the whole-image inference size.
    input.imageSize = readSize(root.TEST.IMAGE_SIZE, 'TEST.IMAGE_SIZE');
  }
  if (family === 'pose' && model.HEATMAP_SIZE !== undefined) {
    input.heatmapSize = readSize(model.HEATMAP_SIZE, 'MODEL.HEATMAP_SIZE');
  }
  return input;
}
