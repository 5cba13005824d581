import { writeFile } from 'node:fs/promises';
import { type BackendName, compareStateDict, countProblems, getPreset, type ModelConfig, type StateDict } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { drawDetections, FasterRCNN, isFasterRcnnDetector } from '@hrnetjs/detection-head';
import { detectFileText, detectImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import { type CommandContext, type Options, Options as OptionsClass } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
const DETECTOR_PRESETS = ['faster-rcnn-w18', 'faster-rcnn-w32', 'faster-rcnn-w40'] as const;

/** Merges several checkpoint files into one state dict (later files win). */
export async function readMergedWeights(files: string[]): Promise<StateDict> {
  if (files.length === 0) throw new CliError('--weights <file> is required');
  const merged: StateDict = new Map();
  for (const file of files) for (const [k, v] of (await readCheckpointFile(userPath(file))).stateDict) merged.set(k, v);
  return merged;
}

/**
 * `--config` (or the option named `flag`), else the Faster R-CNN preset whose keys and shapes the
 * checkpoint fits exactly.
 */
export async function detectorConfig(options: Options, weights: StateDict, flag = 'config'): Promise<ModelConfig> {
  const spec = options.string(flag);
  if (spec) {
    const config = await loadModelConfig(new OptionsClass({ config: spec }));
    if (config.head.type !== 'mmdet' || !isFasterRcnnDetector(config.head.detector)) {
      throw new CliError(`--${flag} ${spec} is not a Faster R-CNN config (an mmdet model dict with rpn_head and roi_head, or ${DETECTOR_PRESETS.join(', ')})`);
    }
    return config;
  }
  for (const id of DETECTOR_PRESETS) {
    const config = getPreset(id);
    if (countProblems(compareStateDict(new FasterRCNN(config), weights)) === 0) return config;
  }
  throw new CliError(`the detector weights fit none of ${DETECTOR_PRESETS.join(', ')}; pass --${flag} <preset|mmdet model dict json>`);
}

function parseNumber(options: Options, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const raw = options.string(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!check(v)) throw new CliError(`--${name} must be ${what}; got '${raw}'`);
  return v;
}

/**
 * `hrnet detect <image> --weights f [--weights f]… [--config c] [--json out.json] [--out overlay.png]
 * [--score-threshold t] [--classes a,b] [--max-detections n] [--backend b]`: mmdet's test pipeline
 * and Faster R-CNN on one image; prints one line per detection.
 */
export async function detectCommand(ctx: CommandContext): Promise<void> {
  if (await isBatchCall(ctx)) return runLocalBatch('detect', ctx);
  const { options, positionals, stdout, stderr } = ctx;
  if (positionals.length !== 1) throw new CliError(`detect takes one image path, got ${positionals.length}`);
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const scoreThreshold = parseNumber(options, 'score-threshold', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const maxDetections = parseNumber(options, 'max-detections', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  const classes = options.string('classes')?.split(',').map((c) => (/^\d+$/.test(c.trim()) ? Number(c) : c.trim()));

  const image = await readImageFile(userPath(positionals[0]));
  const weights = await readMergedWeights(options.strings('weights'));
  const config = await detectorConfig(options, weights);
  const info = await useBackend(backend);
  stderr(`backend: ${info.name}; model: ${config.name}`);

  const model = new FasterRCNN(config);
  try {
    model.load(weights);
    const detections = await detectImage(model, image, { scoreThreshold, maxDetections, classes });
    for (const d of detections) {
      const { xmin, ymin, xmax, ymax } = d.box;
      stdout(`${d.label} (${d.labelId}) ${d.score.toFixed(4)} [${[xmin, ymin, xmax, ymax].map((v) => v.toFixed(1)).join(', ')}]`);
    }
    const json = options.string('json');
    if (json) await writeFile(userPath(json), detectFileText(detections));
    const overlay = options.string('out');
    if (overlay) await writePngFile(userPath(overlay), drawDetections(image, detections));
    stderr(`${detections.length} detections`);
  } finally {
    model.dispose();
  }
}
