import type { StateDict } from '../tensor/tensor-data.js';
import { ConfigError } from './config-error.js';
import { familyDefaults } from './family-defaults.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './imagenet.js';
import { OCR_DEFAULTS } from './ocr-head.js';
import { validateModelConfig } from './parse-model-json.js';
import type { BlockType, HeadConfig, ModelConfig, ModelFamily, StageConfig } from './types.js';

function shapeOf(sd: StateDict, key: string): readonly number[] | undefined {
  return sd.get(key)?.shape;
}

/** How many consecutive `${prefix}{i}.` indices exist, from 0. */
function countIndices(keys: string[], prefix: string): number {
  let n = 0;
  while (keys.some((k) => k.startsWith(`${prefix}${n}.`))) n++;
  return n;
}

/** A residual layer's block type, block count and planes, read from its conv shapes. */
function readBlocks(sd: StateDict, keys: string[], prefix: string): { block: BlockType; blocks: number; planes: number } {
  const blocks = countIndices(keys, prefix);
  const conv1 = shapeOf(sd, `${prefix}0.conv1.weight`);
  if (!blocks || !conv1) throw new ConfigError(`cannot infer the architecture: no '${prefix}0.conv1.weight' in the checkpoint`);
  return { block: sd.has(`${prefix}0.conv3.weight`) ? 'BOTTLENECK' : 'BASIC', blocks, planes: conv1[0] };
}

/** Stages 2..4 from `stage{s}.{m}.branches.{b}.{k}` keys. */
function readStages(sd: StateDict, keys: string[], root: string): StageConfig[] {
  const stages: StageConfig[] = [];
  for (let s = 2; keys.some((k) => k.startsWith(`${root}stage${s}.`)); s++) {
    const modules = countIndices(keys, `${root}stage${s}.`);
    const branches = countIndices(keys, `${root}stage${s}.0.branches.`);
    const per = Array.from({ length: branches }, (_, b) => readBlocks(sd, keys, `${root}stage${s}.0.branches.${b}.`));
    stages.push({
      numModules: modules,
      numBranches: branches,
      block: per[0].block,
      numBlocks: per.map((p) => p.blocks),
      numChannels: per.map((p) => p.planes),
      fuseMethod: 'SUM',
    });
  }
  return stages;
}

/** Which official family a state dict belongs to, from its head keys (pose, seg, cls or mmdet). */
export function inferFamily(sd: StateDict): ModelFamily {
  if ([...sd.keys()].some((k) => k.startsWith('backbone.'))) return 'mmdet';
  if (shapeOf(sd, 'final_layer.weight')?.length === 4) return 'pose';
  if (sd.has('last_layer.3.weight') || sd.has('cls_head.weight')) return 'seg';
  if (sd.has('classifier.weight')) return 'cls';
  throw new ConfigError('cannot infer the family: the checkpoint has no pose (final_layer), seg (last_layer / OCR cls_head), cls (classifier) or mmdet (backbone.*) keys');
}

/**
 * Rebuilds the ModelConfig a checkpoint was trained with from its key names and shapes: stage
 * layout, widths, block types, joints / classes and head kernel. The input size cannot be read from
 * weights, so it is left out (pipelines use their defaults or an explicit config).
 */
export function inferModelConfig(stateDict: StateDict, family: ModelFamily = inferFamily(stateDict)): ModelConfig {
  const keys = [...stateDict.keys()];
  const root = family === 'mmdet' ? 'backbone.' : '';
  const layer1 = readBlocks(stateDict, keys, `${root}layer1.`);
  const stages = readStages(stateDict, keys, root);
  if (!stages.length) throw new ConfigError('cannot infer the architecture: the checkpoint has no stage2 keys');
  const last = stages.length + 1;
  const lastModule = stages[stages.length - 1].numModules - 1;
  const multiScaleOutput = keys.some((k) => k.startsWith(`${root}stage${last}.${lastModule}.fuse_layers.1.`));
  let head: HeadConfig;
  if (family === 'pose') {
    const [joints, , k] = shapeOf(stateDict, 'final_layer.weight') ?? [];
    head = { type: 'pose', numJoints: joints, finalConvKernel: k };
  } else if (family === 'seg' && stateDict.has('cls_head.weight')) {
    // HRNet-OCR: widths from conv3x3_ocr (mid) and f_pixel's first conv (key); 1×1 aux / cls heads.
    const [classes] = shapeOf(stateDict, 'cls_head.weight') ?? [];
    const midChannels = shapeOf(stateDict, 'conv3x3_ocr.0.weight')?.[0] ?? OCR_DEFAULTS.midChannels;
    const keyChannels = shapeOf(stateDict, 'ocr_distri_head.object_context_block.f_pixel.0.weight')?.[0] ?? OCR_DEFAULTS.keyChannels;
    head = { type: 'seg', numClasses: classes, finalConvKernel: 1, ocr: { midChannels, keyChannels, dropout: OCR_DEFAULTS.dropout } };
  } else if (family === 'seg') {
    const [classes, , k] = shapeOf(stateDict, 'last_layer.3.weight') ?? [];
    head = { type: 'seg', numClasses: classes, finalConvKernel: k };
  } else if (family === 'cls') {
    head = { type: 'cls', numClasses: shapeOf(stateDict, 'classifier.weight')?.[0] ?? 1000 };
  } else {
    const reduction = shapeOf(stateDict, 'neck.reduction_conv.conv.weight') ?? shapeOf(stateDict, 'neck.reduction_conv.0.weight');
    const mmdet2 = stateDict.has('neck.reduction_conv.conv.weight');
    const numOuts = countIndices(keys, mmdet2 ? 'neck.fpn_convs.' : 'neck.fpn_conv.');
    const widths = stages[stages.length - 1].numChannels;
    head = {
      type: 'mmdet',
      neck: reduction
        ? { inChannels: widths, outChannels: reduction[0], numOuts: numOuts || 1, poolingType: 'AVG', stride: 1, keyStyle: mmdet2 ? 'mmdet2' : 'hrnet-det', shareConv: !mmdet2 && numOuts === 0 }
        : null,
    };
  }
  const defaults = familyDefaults(family);
  return validateModelConfig({
    name: `inferred-${family}`,
    family,
    backbone: {
      ...defaults,
      stage1: { numModules: 1, numBranches: 1, block: layer1.block, numBlocks: [layer1.blocks], numChannels: [layer1.planes], fuseMethod: 'SUM' },
      stages,
      multiScaleOutput,
      // InPlaceABN checkpoints (`*_torch04`) never saved BN counters.
      batchNorm: family === 'seg' && !keys.some((k) => k.endsWith('num_batches_tracked')) ? 'inplace-abn' : 'standard',
    },
    head,
    input: { mean: [...IMAGENET_MEAN] as [number, number, number], std: [...IMAGENET_STD] as [number, number, number] },
  });
}
