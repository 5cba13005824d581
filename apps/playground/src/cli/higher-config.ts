import { readFile } from 'node:fs/promises';
import { parseConfigText, type StateDict } from '@hrnetjs/core';
import { type HigherHRNetConfig, inferHigherHRNetConfig, isHigherHRNetYaml, parseHigherHRNetConfig } from '@hrnetjs/pose-head';
import { userFileExists, userPath } from './paths.js';

/** The HigherHRNet config of `--config <file>` when that file is an official HigherHRNet yaml; else null. */
export async function higherConfigFromFile(spec: string | undefined): Promise<HigherHRNetConfig | null> {
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
  const fromFile = await higherConfigFromFile(spec);
  if (fromFile) return { config: fromFile, how: `config ${spec}` };
  const config = inferHigherHRNetConfig(stateDict);
  return {
    config,
    how: `architecture read from the weights (${config.higher.numJoints} joints), input ${config.test.inputSize} as the released models; pass the yaml (--config) for other test settings`,
  };
}
