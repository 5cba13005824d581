import type { ModelConfig, StateDict } from '@hrnetjs/core';
import { readCheckpointFile } from '@hrnetjs/core/node';
import { createDetector, type Detector, detectorKind } from '@hrnetjs/detection-head';
import { CliError } from './cli-error.js';
import { type Options, Options as OptionsClass } from './commands/command.js';
import { loadModelConfig } from './load-config.js';
import { userPath } from './paths.js';

const DETECTOR_PRESETS = (['faster-rcnn', 'mask-rcnn', 'cascade-rcnn', 'cascade-mask-rcnn', 'fcos'] as const).flatMap((m) => (['w18', 'w32', 'w40'] as const).map((w) => `${m}-${w}`));

/** Merges several checkpoint files into one state dict (later files win). */
export async function readMergedWeights(files: string[]): Promise<StateDict> {
  if (files.length === 0) throw new CliError('--weights <file> is required');
  const merged: StateDict = new Map();
  for (const file of files) for (const [k, v] of (await readCheckpointFile(userPath(file))).stateDict) merged.set(k, v);
  return merged;
}

/**
 * `--config` (or the option named `flag`) as a detector config (two-stage or FCOS), or undefined: then the
 * detector is the preset the weights fit (core's matchPreset, through createDetector).
 */
export async function detectorConfig(options: Options, flag = 'config'): Promise<ModelConfig | undefined> {
  const spec = options.string(flag);
  if (!spec) return undefined;
  const config = await loadModelConfig(new OptionsClass({ config: spec }));
  if (config.head.type !== 'mmdet' || !config.head.neck || detectorKind(config.head.detector) === undefined) {
    throw new CliError(`--${flag} ${spec} is not a detector config (an mmdet model dict with rpn_head and roi_head or an FCOSHead bbox_head, or ${DETECTOR_PRESETS.join(', ')})`);
  }
  return config;
}

/** The detector of `--weights` files (merged) and the optional config flag, through the task API. */
export async function loadDetector(options: Options, files: string[], flag = 'config'): Promise<Detector> {
  const weights = await readMergedWeights(files);
  const config = await detectorConfig(options, flag);
  try {
    return await createDetector(config ? { weights, config } : weights);
  } catch (error) {
    if (!config && /fit none of/.test((error as Error).message)) {
      throw new CliError(`the detector weights fit none of ${DETECTOR_PRESETS.join(', ')}; pass --${flag} <preset|mmdet model dict json>`);
    }
    throw error;
  }
}

