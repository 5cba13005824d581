import { writeFile } from 'node:fs/promises';
import { type BackendName, type Box, boxFromXywh, configFromWeights, type ModelConfig, type NetworkRunner } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import type { Detector } from '@hrnetjs/detection-head';
import { createPoseEstimator, drawPoses, isHigherHRNetStateDict } from '@hrnetjs/pose-head';
import { parsePersonClass, poseFileText, poseImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { onnxNetwork, resolveEngine, useEngineForDetector } from '../engine.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import { type CommandContext, Options } from './command.js';
import { loadDetector } from '../load-detector.js';
import { bottomUpPose } from './pose-bottom-up.js';
import { higherConfigFromSpec } from '../higher-config.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

/** `--box x,y,w,h[,score]` (COCO's bbox) → a person {@link Box} (negative x/y need `--box=-88,…`). */
export function parseBox(text: string): Box {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if ((parts.length !== 4 && parts.length !== 5) || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new CliError(`--box must be x,y,width,height[,score] (numbers; write --box=-88,… for a negative x), got '${text}'`);
  }
  const [x, y, width, height, score] = values;
  if (!(width > 0 && height > 0)) throw new CliError(`--box needs a positive width and height, got '${text}'`);
  return boxFromXywh([x, y, width, height], parts.length === 5 ? score : undefined);
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
  const checkpoint = await readCheckpointFile(userPath(weights));
  const { stateDict } = checkpoint;
  // HigherHRNet (bottom-up): asked for, or recognised from the weights or the yaml.
  if (options.flag('bottom-up') || isHigherHRNetStateDict(stateDict) || (await higherConfigFromSpec(options.string('config')))) {
    if (boxes.length || detectorFiles.length) throw new CliError('--box / --detector are for the top-down model; a bottom-up (HigherHRNet) model finds every person itself');
    if (!isHigherHRNetStateDict(stateDict)) throw new CliError('--bottom-up needs HigherHRNet weights (final_layers.0.weight is missing)');
    return bottomUpPose({ options, positionals, stdout, stderr }, image, stateDict, backend);
  }
  let config: ModelConfig;
  if (options.string('config')) {
    config = await loadModelConfig(new Options({ config: options.string('config'), family: 'pose', 'batch-norm': options.string('batch-norm') }));
  } else {
    const fitted = configFromWeights(checkpoint.stateDict, 'pose');
    config = fitted.config;
    stderr(`pose model: ${fitted.how}`);
  }

  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  stderr(`backend: ${info.name}; engine: ${choice.engine}`);
  let detector: Detector | null = null;
  if (detectorFiles.length) detector = await loadDetector(options, detectorFiles, 'detector-config');
  const personClass = options.string('person-class') ?? 'person';
  const loaded = await createPoseEstimator({ weights: checkpoint, config });
  let release = async () => {};
  try {
    // onnxruntime: the same loaded network, compiled to ONNX, runs every crop of the image in one call.
    let network: NetworkRunner | undefined;
    if (choice.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(choice, loaded.model));
    if (detector) await useEngineForDetector(choice, detector.model);
    const estimator = await createPoseEstimator(loaded.model, {
      network,
      ...(detector ? { detector, personClass: parsePersonClass(personClass) } : {}),
    });
    const flipTest = options.flag('no-flip') ? false : undefined;
    const poses = await poseImage(estimator, image, { boxes, flipTest });
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
    await release();
    await detector?.model.releaseOnnx();
    loaded.dispose();
    detector?.dispose();
  }
}
