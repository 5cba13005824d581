import { ConfigError } from './config-error.js';
import {
  describeValue,
  isDict,
  joinPath,
  readChoice,
  readPositiveIntList,
  readRequiredPositiveInt,
} from './config-values.js';
import type { BlockType, StageConfig } from './types.js';

/** Key names of one stage mapping in a given layout. */
export interface StageKeys {
  numModules: string;
  numBranches: string;
  /** A misspelling accepted as a synonym (the official small-model yamls write `NUM_RANCHES`). */
  numBranchesTypo?: string;
  block: string;
  numBlocks: string;
  numChannels: string;
  fuseMethod: string;
}

/** Official HRNet yaml (`MODEL.EXTRA.STAGEk`). */
export const YAML_STAGE_KEYS: StageKeys = {
  numModules: 'NUM_MODULES',
  numBranches: 'NUM_BRANCHES',
  numBranchesTypo: 'NUM_RANCHES',
  block: 'BLOCK',
  numBlocks: 'NUM_BLOCKS',
  numChannels: 'NUM_CHANNELS',
  fuseMethod: 'FUSE_METHOD',
};

/** mmdet `backbone.extra.stagek` (lower case; `fuse_method` is optional there). */
export const MMDET_STAGE_KEYS: StageKeys = {
  numModules: 'num_modules',
  numBranches: 'num_branches',
  block: 'block',
  numBlocks: 'num_blocks',
  numChannels: 'num_channels',
  fuseMethod: 'fuse_method',
};

/** Our own JSON (`StageConfig` field names). */
export const JSON_STAGE_KEYS: StageKeys = {
  numModules: 'numModules',
  numBranches: 'numBranches',
  block: 'block',
  numBlocks: 'numBlocks',
  numChannels: 'numChannels',
  fuseMethod: 'fuseMethod',
};

/** Channel multiplier of each block type (`block.expansion` in the official code). */
export const BLOCK_EXPANSION: Record<BlockType, number> = { BASIC: 1, BOTTLENECK: 4 };

const BLOCK_TYPES: readonly BlockType[] = ['BASIC', 'BOTTLENECK'];

/** Output channels of each branch of a stage (what the next stage and the heads see). */
export function branchOutputChannels(stage: StageConfig): number[] {
  return stage.numChannels.map((c) => c * BLOCK_EXPANSION[stage.block]);
}

/**
 * Reads and validates stage `stageNumber` (1 = layer1, 2..4 = HR stages).
 *
 * Rule enforced: stage k has exactly k branches. The official builders would accept other counts
 * (a transition can add several branches), but no published config does it, the key grammar of
 * the official code assumes one new branch per stage, and the cls head and HRFPN need exactly four
 * outputs — so anything else is far more likely a typo than a design.
 * layer1 must be one module of one branch: the official code ignores STAGE1's NUM_MODULES and
 * NUM_BRANCHES, so a value other than 1 there means the config does not say what its author thinks.
 */
export function readStage(raw: unknown, path: string, keys: StageKeys, stageNumber: number): StageConfig {
  if (!isDict(raw)) {
    const found = raw === undefined ? 'is missing' : `is ${describeValue(raw)}`;
    throw new ConfigError(
      `${path} ${found}; expected a mapping with ${keys.numModules}, ${keys.numBranches}, ${keys.block}, ${keys.numBlocks} and ${keys.numChannels}`,
      { path },
    );
  }
  const isLayer1 = stageNumber === 1;
  const numBranches = readBranchCount(raw, path, keys, isLayer1);
  const branchesPath = joinPath(path, keys.numBranches);
  if (isLayer1 && numBranches !== 1) {
    throw new ConfigError(`${branchesPath} is ${numBranches} but STAGE1 (layer1) is a single branch; expected 1`, {
      path: branchesPath,
    });
  }
  if (!isLayer1 && numBranches !== stageNumber) {
    throw new ConfigError(
      `${branchesPath} is ${numBranches} but stage ${stageNumber} must have ${stageNumber} branches ` +
        '(each stage adds exactly one lower-resolution branch: stage2 2, stage3 3, stage4 4)',
      { path: branchesPath },
    );
  }

  const modulesPath = joinPath(path, keys.numModules);
  const modulesRaw = raw[keys.numModules];
  const numModules =
    isLayer1 && modulesRaw === undefined
      ? 1
      : readRequiredPositiveInt(modulesRaw, modulesPath, 'it is the number of high-resolution modules of this stage');
  if (isLayer1 && numModules !== 1) {
    throw new ConfigError(
      `${modulesPath} is ${numModules} but layer1 is one sequence of blocks (set its length with ${keys.numBlocks}); expected 1`,
      { path: modulesPath },
    );
  }

  const blockPath = joinPath(path, keys.block);
  if (raw[keys.block] === undefined) {
    throw new ConfigError(`${blockPath} is missing; expected BASIC or BOTTLENECK`, { path: blockPath });
  }
  const block = readChoice(raw[keys.block], blockPath, BLOCK_TYPES);

  const lengthRule = keys.numBranches;
  const numBlocks = readPositiveIntList(raw[keys.numBlocks], joinPath(path, keys.numBlocks), numBranches, lengthRule);
  const numChannels = readPositiveIntList(
    raw[keys.numChannels],
    joinPath(path, keys.numChannels),
    numBranches,
    lengthRule,
  );

  // The official HRModule stores FUSE_METHOD but always sums; only SUM describes what it does.
  const fusePath = joinPath(path, keys.fuseMethod);
  const fuseMethod = raw[keys.fuseMethod] === undefined ? 'SUM' : readChoice(raw[keys.fuseMethod], fusePath, ['SUM'] as const);

  return { numModules, numBranches, block, numBlocks, numChannels, fuseMethod };
}

function readBranchCount(raw: Record<string, unknown>, path: string, keys: StageKeys, isLayer1: boolean): number {
  const branchesPath = joinPath(path, keys.numBranches);
  let value = raw[keys.numBranches];
  const typoKey = keys.numBranchesTypo;
  if (typoKey !== undefined && raw[typoKey] !== undefined) {
    if (value === undefined) {
      value = raw[typoKey];
    } else if (value !== raw[typoKey]) {
      throw new ConfigError(
        `${path} sets both ${keys.numBranches} (${describeValue(value)}) and its misspelling ${typoKey} (${describeValue(raw[typoKey])}); keep one`,
        { path: branchesPath },
      );
    }
  }
  // layer1's branch count is implicit (the official code never reads it).
  if (value === undefined && isLayer1) return 1;
  return readRequiredPositiveInt(value, branchesPath, 'it is the number of branches of this stage');
}
