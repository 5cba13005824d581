import { readFile } from 'node:fs/promises';
import { parseConfigText, type StateDict } from '@hrnetjs/core';
import {
  type HigherHRNetConfig,
  getHigherHRNetPreset,
  inferHigherHRNetConfig,
  isHigherHRNetPresetId,
  isHigherHRNetStateDict,
  isHigherHRNetYaml,
  parseHigherHRNetConfig,
} from '@hrnetjs/pose-head';
import { userFileExists, userPath } from './paths.js';

/**
 * The HigherHRNet config of `--config <preset|file>`: a HigherHRNet preset id, or a file holding an
 * official HigherHRNet yaml; null for anything else (the ordinary config loader handles it).
 */
export async function higherConfigFromSpec(spec: string | undefined): Promise<HigherHRNetConfig | null> {
  if (spec && isHigherHRNetPresetId(spec)) return getHigherHRNetPreset(spec);
  if (!spec || !userFileExists(spec)) return null;
  const text = await readFile(userPath(spec), 'utf8');
  let root: unknown;
  try {
    root = parseConfigText(text);
  } catch {
    return null; // not yaml at all: the ordinary config loader reports it
  }
  return isHigherHRNetYaml(root) ? parseHigherHRNetConfig(root as object, { name: spec }) : null;
}

/** The HigherHRNet config of a bottom-up run: the yaml given, else the architecture read from the weights. */
export async function higherConfigFor(spec: string | undefined, stateDict: StateDict): Promise<{ config: HigherHRNetConfig; how: string }> {
  const fromFile = await higherConfigFromSpec(spec);
  if (fromFile) return { config: fromFile, how: `config ${spec}` };
  const config = inferHigherHRNetConfig(stateDict);
  return {
    config,
    how: `architecture read from the weights (${config.higher.numJoints} joints), input ${config.test.inputSize} as the released models; pass the yaml (--config) for other test settings`,
  };
}

/** One line on a HigherHRNet checkpoint for `inspect`, or null when the weights are not HigherHRNet's. */
export function describeHigherCheckpoint(stateDict: StateDict): string | null {
  if (!isHigherHRNetStateDict(stateDict)) return null;
  try {
    const { backbone, higher } = inferHigherHRNetConfig(stateDict);
    const tags = higher.tagPerJoint ? 'a tag map per joint' : 'one tag map';
    return `HigherHRNet (bottom-up pose): W${backbone.stages[0].numChannels[0]}, ${higher.numJoints} joints, ${tags}, ${higher.deconv.numDeconvs} deconv(s); run it with pnpm hrnet pose <image> --weights <file>`;
  } catch (error) {
    return `HigherHRNet head (final_layers), architecture not readable: ${(error as Error).message}`;
  }
}
