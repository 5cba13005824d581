import { readFile } from 'node:fs/promises';
import { isPresetId, type ModelConfig, type ModelFamily, type ParseConfigOptions, PRESET_IDS, resolveModelConfig } from '@hrnetjs/core';
import { CliError } from './cli-error.js';
import type { Options } from './commands/command.js';
import { userFileExists, userPath } from './paths.js';

const FAMILIES: ModelFamily[] = ['pose', 'seg', 'cls', 'mmdet'];

/** Parses `--family`. */
function parseFamily(value: string | undefined): ModelFamily | undefined {
  if (value === undefined) return undefined;
  if (!FAMILIES.includes(value as ModelFamily)) {
    throw new CliError(`--family must be one of ${FAMILIES.join(', ')}; got '${value}'`);
  }
  return value as ModelFamily;
}

/** Parses `--batch-norm` (InPlaceABN for `*_torch04` seg checkpoints). */
function parseBatchNorm(value: string | undefined): ParseConfigOptions['batchNorm'] {
  if (value === undefined) return undefined;
  if (value !== 'standard' && value !== 'inplace-abn') {
    throw new CliError(`--batch-norm must be 'standard' or 'inplace-abn'; got '${value}'`);
  }
  return value;
}

/**
 * The model config of a command: `--config <preset|file>` (a preset id, or an official yaml /
 * mmdet json / our json file), with `--family` and `--batch-norm` applied.
 */
export async function loadModelConfig(options: Options): Promise<ModelConfig> {
  const spec = options.string('config');
  const parse: ParseConfigOptions = {
    family: parseFamily(options.string('family')),
    batchNorm: parseBatchNorm(options.string('batch-norm')),
  };
  if (!spec) throw new CliError(`--config is required: a preset id (${PRESET_IDS.join(', ')}) or a yaml/json config file`);
  if (userFileExists(spec)) {
    const text = await readFile(userPath(spec), 'utf8');
    return resolveModelConfig(text, { ...parse, name: spec });
  }
  if (/[./\\]/.test(spec) && !isPresetId(spec)) throw new CliError(`config file not found: ${userPath(spec)}`);
  return resolveModelConfig(spec, parse);
}
