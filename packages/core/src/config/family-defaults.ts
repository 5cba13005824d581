import { ConfigError } from './config-error.js';
import { describeValue } from './config-values.js';
import type { BackboneConfig, ModelFamily, StageConfig } from './types.js';

/** Every family this library builds, in the order used in messages. */
export const MODEL_FAMILIES: readonly ModelFamily[] = ['pose', 'seg', 'cls', 'mmdet'];

/** Checks a family name coming from user input (CLI flag, JSON, JS callers without types). */
export function readFamily(value: unknown, path: string): ModelFamily {
  if (typeof value === 'string' && (MODEL_FAMILIES as readonly string[]).includes(value)) {
    return value as ModelFamily;
  }
  throw new ConfigError(
    `unknown family ${describeValue(value)} at ${path}; expected ${MODEL_FAMILIES.slice(0, -1).join(', ')} or ${MODEL_FAMILIES.at(-1)}`,
    { path },
  );
}

/**
 * `layer1` of the pose family. `pose_hrnet.py` hard-codes it (4 Bottlenecks of 64 planes) and never
 * reads `MODEL.EXTRA.STAGE1`, so a pose yaml's STAGE1, if any, is ignored.
 */
export function poseStage1(): StageConfig {
  return { numModules: 1, numBranches: 1, block: 'BOTTLENECK', numBlocks: [4], numChannels: [64], fuseMethod: 'SUM' };
}

/** Caller choices that `familyDefaults` folds in. */
export interface FamilyDefaultsOptions {
  /** Bilinear `align_corners`; only read by the seg family's bilinear fuse upsampling. Default false. */
  alignCorners?: boolean;
  /** Default 'standard'; 'inplace-abn' for SEG-master and `*_torch04` checkpoints. */
  batchNorm?: BackboneConfig['batchNorm'];
}

/** The backbone fields the official families disagree on, plus pose's fixed layer1. */
export type FamilyDefaults = Pick<BackboneConfig, 'upsample' | 'alignCorners' | 'multiScaleOutput' | 'batchNorm'> & {
  /** Present only when the family fixes layer1 regardless of the config (pose). */
  stage1?: StageConfig;
};

/**
 * Per-family backbone defaults:
 * - pose: nearest fuse upsampling, the last stage fuses into branch 0 only (`multi_scale_output`
 *   false), layer1 fixed to 4×BOTTLENECK(64);
 * - seg: bilinear-to-size upsampling, align_corners false (pytorch-v1.1 / master; the HRNet-OCR
 *   branch reads it from `MODEL.ALIGN_CORNERS`, pass it as an option), four outputs;
 * - cls and mmdet: nearest, four outputs.
 */
export function familyDefaults(family: ModelFamily, options: FamilyDefaultsOptions = {}): FamilyDefaults {
  const shared = { alignCorners: options.alignCorners ?? false, batchNorm: options.batchNorm ?? 'standard' } as const;
  switch (family) {
    case 'pose':
      return { ...shared, upsample: 'nearest', multiScaleOutput: false, stage1: poseStage1() };
    case 'seg':
      return { ...shared, upsample: 'bilinear', multiScaleOutput: true };
    case 'cls':
    case 'mmdet':
      return { ...shared, upsample: 'nearest', multiScaleOutput: true };
    default:
      // Unreachable for typed callers; JS callers get the same message as everywhere else.
      return readFamily(family, 'family') as never;
  }
}
