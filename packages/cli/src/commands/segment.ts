import { type BackendName, getPreset, type ModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { colorize, overlay, SEG_PRESET_IDS, SegModel, type SegmentOptions } from '@hrnetjs/seg-head';
import { segmentImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import type { CommandContext, Options } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
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
export function segmentOptionsFromFlags(options: Options): SegmentOptions {
  const result: SegmentOptions = {};
  const scales = options.string('scales');
  if (scales !== undefined) result.scales = parseNumberList(scales, '--scales');
  if (options.flag('flip') && options.flag('no-flip')) throw new CliError('--flip and --no-flip contradict each other; pass one');
  if (options.flag('flip')) result.flip = true;
  if (options.flag('no-flip')) result.flip = false;
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
    result.cropSize = [h, w];
  }
  return result;
}

export async function segConfig(options: Options, stderr: (text: string) => void): Promise<ModelConfig> {
  let config: ModelConfig;
  if (options.string('config')) {
    config = await loadModelConfig(options);
  } else {
    stderr(`config: ${DEFAULT_PRESET} (default; pass --config <preset|file> for other models)`);
    config = getPreset(DEFAULT_PRESET);
    const bn = options.string('batch-norm');
    if (bn !== undefined && bn !== 'standard' && bn !== 'inplace-abn') throw new CliError(`--batch-norm must be 'standard' or 'inplace-abn'; got '${bn}'`);
    if (bn) config.backbone.batchNorm = bn;
  }
  if (config.head.type !== 'seg') {
    throw new CliError(`segment needs a segmentation config (${SEG_PRESET_IDS.join(', ')} or a seg_hrnet yaml), got a '${config.head.type}' model`);
  }
  return config;
}

/**
 * `hrnet segment <image> --weights <file> [--config …] [--scales …] [--flip|--no-flip] [--labels out.png]
 * [--out overlay.png] [--npy labels.npy] [--alpha a] [--base-size n] [--crop-size w,h] [--backend b]`:
 * the official test path on one image; prints the share of each predicted class.
 */
export async function segmentCommand(ctx: CommandContext): Promise<void> {
  if (await isBatchCall(ctx)) return runLocalBatch('segment', ctx);
  const { options, positionals, stdout, stderr } = ctx;
  const [imagePath] = positionals;
  if (!imagePath || positionals.length > 1) throw new CliError('segment takes exactly one image path (PNG or JPEG)');
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const alpha = Number(options.string('alpha') ?? '0.5');
  if (!(alpha >= 0 && alpha <= 1)) throw new CliError(`--alpha must be a number in [0, 1]; got '${options.string('alpha')}'`);
  const segmentOptions = segmentOptionsFromFlags(options);
  const config = await segConfig(options, stderr);
  const weights = options.required('weights');
  const image = await readImageFile(userPath(imagePath));

  const info = await useBackend(backend);
  stderr(`backend: ${info.name}`);
  const model = new SegModel(config);
  try {
    model.load((await readCheckpointFile(userPath(weights))).stateDict);
    const result = await segmentImage(model, image, segmentOptions);
    const s = result.settings;
    stderr(
      `${result.width}×${result.height}, ${s.numClasses} classes, scales ${s.scales.join(',')}, flip ${s.flip ? 'on' : 'off'}, ` +
        `base ${s.baseSize}, crop ${s.cropSize[1]}×${s.cropSize[0]} (w×h), ${s.multiScaleMode} windows`,
    );
    const npy = options.string('npy');
    if (npy) await writeNpyFile(userPath(npy), { dtype: 'int32', shape: [result.height, result.width], values: result.labels });
    const labelsPng = options.string('labels');
    if (labelsPng) await writePngFile(userPath(labelsPng), colorize(result, result.palette));
    const out = options.string('out');
    if (out) await writePngFile(userPath(out), overlay(image, result, result.palette, alpha));

    const counts = new Map<number, number>();
    for (const l of result.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    for (const [label, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      stdout(`${String(label).padStart(3)}  ${((100 * n) / result.labels.length).toFixed(2).padStart(6)}%  ${result.classes[label]}`);
    }
  } finally {
    model.dispose();
  }
}
