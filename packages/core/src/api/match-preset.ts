import { inferFamily, inferModelConfig } from '../config/infer-config.js';
import { getPreset, PRESET_IDS, type PresetId } from '../config/presets.js';
import type { ModelConfig, ModelFamily } from '../config/types.js';
import { compareStateDict, countProblems } from '../model/load-state-dict.js';
import type { LoadReport } from '../model/state-dict-error.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { createModel, hasModelBuilder } from './model-registry.js';

/** How well one preset's network fits a state dict. */
export interface PresetFit {
  id: PresetId;
  family: ModelFamily;
  report: LoadReport;
  /** Missing + unexpected + mis-shaped keys (0 = loads strictly). */
  problems: number;
}

/**
 * Every preset of the families whose builders are registered, compared with a state dict, best
 * first: fewest checkpoint keys the model has no place for, then fewest mis-shaped, then missing.
 */
export function rankPresets(stateDict: StateDict, family?: ModelFamily): PresetFit[] {
  const fits: PresetFit[] = [];
  for (const id of PRESET_IDS) {
    const config = getPreset(id);
    if ((family && config.family !== family) || !hasModelBuilder(config.head.type)) continue;
    const report = compareStateDict(createModel(config), stateDict);
    fits.push({ id, family: config.family, report, problems: countProblems(report) });
  }
  return fits.sort(
    (a, b) =>
      a.report.unexpected.length - b.report.unexpected.length ||
      a.report.mismatched.length - b.report.mismatched.length ||
      a.report.missing.length - b.report.missing.length,
  );
}

/** What {@link matchPreset} found. */
export interface PresetMatch {
  /** The preset the weights load into strictly (see {@link matchPreset} for the choice among several). */
  id: PresetId;
  /** Ready to build, with the BN flavour the weights need (InPlaceABN `*_torch04` files have no BN counters). */
  config: ModelConfig;
  /** Other presets the weights fit as well. */
  alsoFits: PresetId[];
}

/** The last path segment (either separator), for matching official checkpoint file names. */
function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * The preset whose network loads these weights strictly, or null. The family is read from the keys
 * (pose `final_layer`, seg `last_layer`, cls `classifier`, mmdet `backbone.*`) unless given. When
 * several fit (pose presets that differ only in input size share weights), the one listing
 * `fileName` among its official checkpoints wins, else the first in {@link PRESET_IDS} order.
 */
export function matchPreset(stateDict: StateDict, family: ModelFamily = inferFamily(stateDict), fileName?: string): PresetMatch | null {
  const exact = rankPresets(stateDict, family).filter((f) => f.problems === 0);
  if (!exact.length) return null;
  const order = PRESET_IDS as readonly string[];
  const named = fileName === undefined ? undefined : baseName(fileName);
  const listed = (id: string) => (named !== undefined && getPreset(id).checkpoints.includes(named) ? 0 : 1);
  const ids = exact.map((f) => f.id).sort((a, b) => listed(a) - listed(b) || order.indexOf(a) - order.indexOf(b));
  const config: ModelConfig = getPreset(ids[0]);
  if (family === 'seg' && ![...stateDict.keys()].some((k) => k.endsWith('num_batches_tracked'))) config.backbone.batchNorm = 'inplace-abn';
  return { id: ids[0], config, alsoFits: ids.slice(1) };
}

/** Usual input [width, height] of a pose model read from weights alone (COCO 192×256, MPII 256×256). */
function poseInputFor(numJoints: number): [number, number] {
  return numJoints === 16 ? [256, 256] : [192, 256];
}

/**
 * The config of a checkpoint given without one: its preset when one fits exactly, else the
 * architecture read from its keys (pose models get the dataset's usual input size). `how` says
 * which, for messages.
 */
export function configFromWeights(
  stateDict: StateDict,
  family: ModelFamily = inferFamily(stateDict),
  fileName?: string,
): { config: ModelConfig; how: string } {
  const match = matchPreset(stateDict, family, fileName);
  if (match) {
    const others = match.alsoFits.length ? ` (also fits ${match.alsoFits.join(', ')}; pass a config to choose)` : '';
    return { config: match.config, how: `preset ${match.id}, fitted from the weights${others}` };
  }
  const inferred = inferModelConfig(stateDict, family);
  if (inferred.head.type !== 'pose') return { config: inferred, how: `architecture read from the weights (${inferred.family})` };
  const imageSize = poseInputFor(inferred.head.numJoints);
  const config = { ...inferred, input: { ...inferred.input, imageSize, heatmapSize: [imageSize[0] / 4, imageSize[1] / 4] as [number, number] } };
  return { config, how: `architecture read from the weights (${inferred.head.numJoints} joints), input ${imageSize.join('×')}; pass a config for another input size` };
}
