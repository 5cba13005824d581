import { writeFile } from 'node:fs/promises';
import type { BackendName, ModelConfig, StateDict } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { createDetector, type Detection, type Detector, drawDetections, isFasterRcnnDetector, twoStageKind } from '@hrnetjs/detection-head';
import { CliError } from '../cli-error.js';
import { resolveEngine, useEngineForDetector } from '../engine.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import { type CommandContext, type Options, Options as OptionsClass } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
const DETECTOR_PRESETS = (['faster-rcnn', 'mask-rcnn', 'cascade-rcnn', 'cascade-mask-rcnn'] as const).flatMap((m) => (['w18', 'w32', 'w40'] as const).map((w) => `${m}-${w}`));

/** Merges several checkpoint files into one state dict (later files win). */
export async function readMergedWeights(files: string[]): Promise<StateDict> {
  if (files.length === 0) throw new CliError('--weights <file> is required');
  const merged: StateDict = new Map();
  for (const file of files) for (const [k, v] of (await readCheckpointFile(userPath(file))).stateDict) merged.set(k, v);
  return merged;
}

/**
 * `--config` (or the option named `flag`) as a Faster R-CNN config, or undefined: then the
 * detector is the preset the weights fit (core's matchPreset, through createDetector).
 */
export async function detectorConfig(options: Options, flag = 'config'): Promise<ModelConfig | undefined> {
  const spec = options.string(flag);
  if (!spec) return undefined;
  const config = await loadModelConfig(new OptionsClass({ config: spec }));
  if (config.head.type !== 'mmdet' || !isFasterRcnnDetector(config.head.detector)) {
    throw new CliError(`--${flag} ${spec} is not a two-stage detector config (an mmdet model dict with rpn_head and roi_head, or ${DETECTOR_PRESETS.join(', ')})`);
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

function parseNumber(options: Options, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const raw = options.string(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!check(v)) throw new CliError(`--${name} must be ${what}; got '${raw}'`);
  return v;
}

function maskPixels(data: Uint8Array): number {
  let n = 0;
  for (const v of data) n += v;
  return n;
}

/** A detection for the JSON output: the mask as COCO RLE (`{size: [h, w], counts}`), never the bitmap. */
function toJson(d: Detection): Record<string, unknown> {
  const { mask, ...rest } = d;
  return mask ? { ...rest, mask: mask.rle } : rest;
}

/**
 * `hrnet detect <image> --weights f [--weights f]… [--config c] [--json out.json] [--out overlay.png]
 * [--score-threshold t] [--classes a,b] [--max-detections n] [--backend b]`: mmdet's test pipeline
 * and a two-stage detector (Faster / Mask / Cascade (Mask) R-CNN) on one image; prints one line per
 * detection. Mask models add `mask` (COCO RLE) to each JSON detection and fill the masks in `--out`.
 */
export async function detectCommand({ options, positionals, stdout, stderr }: CommandContext): Promise<void> {
  if (positionals.length !== 1) throw new CliError(`detect takes one image path, got ${positionals.length}`);
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const scoreThreshold = parseNumber(options, 'score-threshold', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const maxDetections = parseNumber(options, 'max-detections', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  const classes = options.string('classes')?.split(',').map((c) => (/^\d+$/.test(c.trim()) ? Number(c) : c.trim()));

  const image = await readImageFile(userPath(positionals[0]));
  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  const detector = await loadDetector(options, options.strings('weights'));
  const { config } = detector.model;
  const kind = config.head.type === 'mmdet' ? twoStageKind(config.head.detector) : undefined;

  try {
    const engine = await useEngineForDetector(choice, detector.model);
    stderr(`backend: ${info.name}; engine: ${engine}; model: ${config.name} (${kind})`);
    const detections = await detector.detect(image, { scoreThreshold, maxDetections, classes });
    for (const d of detections) {
      const { xmin, ymin, xmax, ymax } = d.box;
      const mask = d.mask ? ` mask ${maskPixels(d.mask.data)} px` : '';
      stdout(`${d.label} (${d.labelId}) ${d.score.toFixed(4)} [${[xmin, ymin, xmax, ymax].map((v) => v.toFixed(1)).join(', ')}]${mask}`);
    }
    const json = options.string('json');
    if (json) await writeFile(userPath(json), `${JSON.stringify({ detections: detections.map(toJson) }, null, 1)}\n`);
    const overlay = options.string('out');
    if (overlay) await writePngFile(userPath(overlay), drawDetections(image, detections));
    stderr(`${detections.length} detections`);
  } finally {
    await detector.model.releaseOnnx();
    detector.dispose();
  }
}
