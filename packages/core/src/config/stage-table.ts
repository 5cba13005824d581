import type { StageConfig } from './types.js';

/** The published backbone variants. */
export type HRNetVariant = 'w18-small-v1' | 'w18-small-v2' | 'w18' | 'w30' | 'w32' | 'w40' | 'w44' | 'w48' | 'w64';

interface VariantRow {
  /** layer1: Bottleneck blocks and planes. */
  stage1: { blocks: number; planes: number };
  /** C: branch k has C·2^k channels. */
  width: number;
  /** NUM_MODULES of stage2, stage3, stage4. */
  modules: [number, number, number];
  /** NUM_BLOCKS of every branch of stages 2–4. */
  blocks: number;
}

/** Spec §3, row by row. */
const VARIANTS: Record<HRNetVariant, VariantRow> = {
  'w18-small-v1': { stage1: { blocks: 1, planes: 32 }, width: 16, modules: [1, 1, 1], blocks: 2 },
  'w18-small-v2': { stage1: { blocks: 2, planes: 64 }, width: 18, modules: [1, 3, 2], blocks: 2 },
  w18: { stage1: { blocks: 4, planes: 64 }, width: 18, modules: [1, 4, 3], blocks: 4 },
  w30: { stage1: { blocks: 4, planes: 64 }, width: 30, modules: [1, 4, 3], blocks: 4 },
  w32: { stage1: { blocks: 4, planes: 64 }, width: 32, modules: [1, 4, 3], blocks: 4 },
  w40: { stage1: { blocks: 4, planes: 64 }, width: 40, modules: [1, 4, 3], blocks: 4 },
  w44: { stage1: { blocks: 4, planes: 64 }, width: 44, modules: [1, 4, 3], blocks: 4 },
  w48: { stage1: { blocks: 4, planes: 64 }, width: 48, modules: [1, 4, 3], blocks: 4 },
  w64: { stage1: { blocks: 4, planes: 64 }, width: 64, modules: [1, 4, 3], blocks: 4 },
};

/** Branch widths of the last stage, [C, 2C, 4C, 8C] (what HRFPN's `in_channels` lists). */
export function variantWidths(variant: HRNetVariant): number[] {
  const c = VARIANTS[variant].width;
  return [c, 2 * c, 4 * c, 8 * c];
}

/** layer1 and stages 2–4 of a published variant, as fresh objects. */
export function variantStages(variant: HRNetVariant): { stage1: StageConfig; stages: StageConfig[] } {
  const row = VARIANTS[variant];
  const widths = variantWidths(variant);
  return {
    stage1: {
      numModules: 1,
      numBranches: 1,
      block: 'BOTTLENECK',
      numBlocks: [row.stage1.blocks],
      numChannels: [row.stage1.planes],
      fuseMethod: 'SUM',
    },
    stages: row.modules.map((numModules, i) => {
      const numBranches = i + 2;
      return {
        numModules,
        numBranches,
        block: 'BASIC',
        numBlocks: Array<number>(numBranches).fill(row.blocks),
        numChannels: widths.slice(0, numBranches),
        fuseMethod: 'SUM',
      };
    }),
  };
}
