import { HigherHRNetModel } from '@hrnetjs/pose-head';
import { createModel } from '../models.js';
import { higherConfigFromSpec } from '../higher-config.js';
import { loadModelConfig } from '../load-config.js';
import type { CommandContext } from './command.js';

/** `hrnet keys --config <preset|file> [--family f]`: the model's state_dict as `[[key, shape], …]`. */
export async function keysCommand({ options, stdout }: CommandContext): Promise<void> {
  const higher = await higherConfigFromSpec(options.string('config'));
  const spec = (higher ? new HigherHRNetModel(higher) : createModel(await loadModelConfig(options))).stateDictSpec();
  // One entry per line: valid JSON that still diffs well.
  stdout(`[\n${spec.map((e) => JSON.stringify([e.key, e.shape])).join(',\n')}\n]`);
}
