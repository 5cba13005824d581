import { getPreset, matchPreset, type ModelConfig, type StateDict } from '@hrnetjs/core';
import { SEG_PRESET_IDS, type SegmenterOptions } from '@hrnetjs/seg-head';
import { CliError } from './cli-error.js';
import type { Options } from './commands/command.js';
import { loadModelConfig } from './load-config.js';

const DEFAULT_PRESET = 'seg-cityscapes-w48';

function parseNumberList(text: string, flag: string, count?: number): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0) || (count !== undefined && values.length !== count)) {
    const what = count === undefined ? 'comma-separated positive numbers, e.g. 0.75,1,1.25' : `${count} comma-separated positive numbers`;
    throw new CliError(`${flag} must be ${what}; got '${text}'`);
  }
  return values;
}

/** The flags that override the config's TEST settings. */
export function segmentOptionsFromFlags(options: Options): SegmenterOptions {
  const result: SegmenterOptions = {};
  const scales = options.string('scales');
  if (scales !== undefined) result.scales = parseNumberList(scales, '--scales');
  if (options.flag('flip') && options.flag('no-flip')) throw new CliError('--flip and --no-flip contradict each other; pass one');
  if (options.flag('flip')) result.flipTest = true;
  if (options.flag('no-flip')) result.flipTest = false;
  const base = options.string('base-size');
  if (base !== undefined) {
    const [n] = parseNumberList(base, '--base-size', 1);
    if (!Number.isInteger(n)) throw new CliError(`--base-size must be a positive integer; got '${base}'`);
    result.baseSize = n;
  }
  const crop = options.string('crop-size');
  if (crop !== undefined) {
    const [w, h] = parseNumberList(crop, '--crop-size (width,height as TEST.IMAGE_SIZE)', 2);
    if (!Number.isInteger(w) || !Number.isInteger(h)) throw new CliError(`--crop-size must be two positive integers width,height; got '${crop}'`);
    result.cropSize = [w, h];
  }
  return result;
}

/**
 * Without --config: the seg preset these weights load into strictly (core's matchPreset: an
 * HRNet-OCR checkpoint finds the seg-ocr preset of its class count), else the Cityscapes default.
 */
function defaultPreset(stateDict: StateDict, weights: string): string {
  const match = matchPreset(stateDict, 'seg', weights);
  if (match) return match.id;
  const ocrClasses = stateDict.get('cls_head.weight')?.shape[0];
  if (ocrClasses !== undefined) throw new CliError(`an HRNet-OCR checkpoint with ${ocrClasses} classes fits no seg-ocr preset; pass --config <seg_hrnet_ocr yaml>`);
  return DEFAULT_PRESET;
}

export async function segConfig(options: Options, stderr: (text: string) => void, stateDict: StateDict, weights: string): Promise<ModelConfig> {
  let config: ModelConfig;
  if (options.string('config')) {
    config = await loadModelConfig(options);
  } else {
    const preset = defaultPreset(stateDict, weights);
    stderr(`config: ${preset} (default for these weights; pass --config <preset|file> for other models)`);
    config = getPreset(preset);
    const bn = options.string('batch-norm');
    if (bn !== undefined && bn !== 'standard' && bn !== 'inplace-abn') throw new CliError(`--batch-norm must be 'standard' or 'inplace-abn'; got '${bn}'`);
    if (bn) config.backbone.batchNorm = bn;
  }
  if (config.head.type !== 'seg') {
    throw new CliError(`segment needs a segmentation config (${SEG_PRESET_IDS.join(', ')} or a seg_hrnet / seg_hrnet_ocr yaml), got a '${config.head.type}' model`);
  }
  return config;
}

