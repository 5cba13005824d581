import { writeFile } from 'node:fs/promises';
import type { BackendName } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { FasterRCNN } from '@hrnetjs/detection-head';
import { type PersonBox, PoseModel, createPoseEstimator, drawPoses } from '@hrnetjs/pose-head';
import { poseFileText, poseImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { poseConfigFromWeights } from '../config-from-weights.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import { type CommandContext, Options } from './command.js';
import { detectorConfig, readMergedWeights } from './detect.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

/** `--box x,y,w,h[,score]` → a person box (negative x/y need `--box=-88,…`). */
export function parseBox(text: string): PersonBox {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if ((parts.length !== 4 && parts.length !== 5) || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new CliError(`--box must be x,y,width,height[,score] (numbers; write --box=-88,… for a negative x), got '${text}'`);
  }
  const [x, y, width, height, score] = values;
  if (!(width > 0 && height > 0)) throw new CliError(`--box needs a positive width and height, got '${text}'`);
  return parts.length === 5 ? { x, y, width, height, score } : { x, y, width, height };
}

export { posesToJson } from '../batch/tasks.js';

/**
 * `hrnet pose <image> --weights <file> [--config <preset|file>] [--box x,y,w,h]… [--no-flip]
 * [--json out.json] [--out overlay.png] [--backend b]`: the official top-down pipeline on one image;
 * without `--box` the whole image is the box. Explicit boxes give one pose each, in order. With
 * `--detector <file>` the person boxes come from Faster R-CNN (multi-person: rescoring + OKS-NMS).
 * Without `--config` the model is read from the weights.
 */
export async function poseCommand(ctx: CommandContext): Promise<void> {
  if (await isBatchCall(ctx)) return runLocalBatch('pose', ctx);
  const { options, positionals, stdout, stderr } = ctx;
  if (positionals.length !== 1) throw new CliError(`pose takes one image file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const weights = options.required('weights');
  const boxes = options.strings('box').map(parseBox);
  const detectorFiles = options.strings('detector');
  if (boxes.length && detectorFiles.length) throw new CliError('give either --box or --detector, not both');
  const image = await readImageFile(userPath(positionals[0]));
  const stateDict = (await readCheckpointFile(userPath(weights))).stateDict;
  let config;
  if (options.string('config')) {
    config = await loadModelConfig(new Options({ config: options.string('config'), family: 'pose', 'batch-norm': options.string('batch-norm') }));
  } else {
    const fitted = poseConfigFromWeights(stateDict);
    config = fitted.config;
    stderr(`pose model: ${fitted.how}`);
  }
  const detectorWeights = detectorFiles.length ? await readMergedWeights(detectorFiles) : null;

  const info = await useBackend(backend);
  stderr(`backend: ${info.name}`);
  const model = new PoseModel(config);
  let detector: FasterRCNN | null = null;
  try {
    model.load(stateDict);
    const estimator = createPoseEstimator(model);
    const flipTest = options.flag('no-flip') ? false : undefined;
    if (detectorWeights) {
      detector = new FasterRCNN(await detectorConfig(options, detectorWeights, 'detector-config'));
      detector.load(detectorWeights);
    }
    const poses = await poseImage(estimator, image, { boxes, detector, personClass: options.string('person-class'), flipTest });
    if (detector) stderr(`${poses.length} people after OKS-NMS`);
    const json = poseFileText(poses).trimEnd();
    const jsonPath = options.string('json');
    if (jsonPath) {
      await writeFile(userPath(jsonPath), `${json}\n`);
      stderr(`wrote ${poses.length} pose(s) to ${userPath(jsonPath)}`);
    } else {
      stdout(json);
    }
    const outPath = options.string('out');
    if (outPath) {
      await writePngFile(userPath(outPath), drawPoses(image, poses, estimator.settings.dataset, { minScore: estimator.settings.inVisThre }));
      stderr(`wrote the overlay to ${userPath(outPath)}`);
    }
  } finally {
    model.dispose();
    detector?.dispose();
  }
}
