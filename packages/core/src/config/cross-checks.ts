import { ConfigError } from './config-error.js';
import { branchOutputChannels } from './parse-stage.js';
import type { StageConfig } from './types.js';

/**
 * The seg head concatenates, the cls head chains and HRFPN pools all four branch outputs; only the
 * pose head reads branch 0 alone, so only pose may build the last module single-output.
 */
export function checkAllBranchesOut(consumer: string, multiScaleOutput: boolean, path: string): void {
  if (!multiScaleOutput) {
    throw new ConfigError(
      `${consumer} needs all four branch outputs but ${path} is false (only the pose head works from branch 0 alone)`,
      { path },
    );
  }
}

/** HRFPN concatenates the backbone outputs, so its `in_channels` must be exactly their widths. */
export function checkNeckInputs(inChannels: number[], lastStage: StageConfig, neckPath: string, stagePath: string): void {
  const out = branchOutputChannels(lastStage);
  if (inChannels.length !== out.length || inChannels.some((c, i) => c !== out[i])) {
    throw new ConfigError(
      `${neckPath} is [${inChannels.join(', ')}] but the backbone outputs [${out.join(', ')}] channels (${stagePath}); they must match`,
      { path: neckPath },
    );
  }
}
