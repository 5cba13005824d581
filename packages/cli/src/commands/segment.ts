import { type BackendName, getPreset, matchPreset, type ModelConfig, type NetworkRunner, type StateDict } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { colorize, createSegmenter, overlay, SEG_PRESET_IDS, type SegmenterOptions } from '@hrnetjs/seg-head';
import { CliError } from '../cli-error.js';
import { onnxNetwork, resolveEngine } from '../engine.js';
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

async function segConfig(options: Options, stderr: (text: string) => void, stateDict: StateDict, weights: string): Promise<ModelConfig> {
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

/**
 * `hrnet segment <image> --weights <file> [--config …] [--scales …] [--flip|--no-flip] [--labels out.png]
 * [--out overlay.png] [--npy labels.npy] [--alpha a] [--base-size n] [--crop-size w,h] [--backend b]`:
 * the official test path on one image; prints the share of each predicted class.
 */
export async function segmentCommand({ options, positionals, stdout, stderr }: CommandContext): Promise<void> {
  const [imagePath] = positionals;
  if (!imagePath || positionals.length > 1) throw new CliError('segment takes exactly one image path (PNG or JPEG)');
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const alpha = Number(options.string('alpha') ?? '0.5');
  if (!(alpha >= 0 && alpha <= 1)) throw new CliError(`--alpha must be a number in [0, 1]; got '${options.string('alpha')}'`);
  const segmentOptions = segmentOptionsFromFlags(options);
  const weights = options.required('weights');
  const { stateDict } = await readCheckpointFile(userPath(weights));
  const config = await segConfig(options, stderr, stateDict, weights);
  const image = await readImageFile(userPath(imagePath));

  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  stderr(`backend: ${info.name}; engine: ${choice.engine}`);
  const segmenter = await createSegmenter({ weights: stateDict, config }, segmentOptions);
  let release = async () => {};
  try {
    let network: NetworkRunner | undefined;
    if (choice.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(choice, segmenter.model));
    const result = await segmenter.segment(image, { network });
    const s = result.settings;
    stderr(
      `${result.width}×${result.height}, ${s.numClasses} classes, scales ${s.scales.join(',')}, flip ${s.flip ? 'on' : 'off'}, ` +
        `base ${s.baseSize}, crop ${s.cropSize[1]}×${s.cropSize[0]} (w×h), ${s.multiScaleMode} windows, test resize ${s.testResize.kind}` +
        `${config.head.type === 'seg' && config.head.ocr ? ', HRNet-OCR (cls_head output)' : ''}`,
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
    await release();
    segmenter.dispose();
  }
}
