import { writeFile } from 'node:fs/promises';
import type { BackendName, NetworkRunner, RgbImage, StateDict } from '@hrnetjs/core';
import { useBackend, writePngFile } from '@hrnetjs/core/node';
import { COCO_DATASET, HigherHRNetModel, bottomUpCocoResults, createBottomUpEstimator, drawPoses } from '@hrnetjs/pose-head';
import { CliError } from '../cli-error.js';
import { onnxNetwork, resolveEngine } from '../engine.js';
import { higherConfigFor } from '../higher-config.js';
import { userPath } from '../paths.js';
import type { CommandContext } from './command.js';

/** `--scales 1,0.5` → numbers. */
function parseScales(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((s) => Number(s.trim()));
  if (!values.length || values.some((v) => !(v > 0))) throw new CliError(`--scales must be positive numbers such as 2,1,0.5; got '${text}'`);
  return values;
}

/**
 * `hrnet pose <image> --weights <higher.pth> [--bottom-up] [--config yaml] [--scales 2,1,0.5] [--no-flip]
 * [--json out.json] [--results coco.json --image-id n] [--out overlay.png] [--engine tfjs|onnxruntime|auto]`:
 * HigherHRNet's official test; with onnxruntime the network's ONNX export runs each scale (image and
 * mirror in one call), the rest of the test stays the same.
 */
export async function bottomUpPose(
  { options, stdout, stderr }: CommandContext,
  image: RgbImage,
  stateDict: StateDict,
  backend: BackendName,
): Promise<void> {
  const { config, how } = await higherConfigFor(options.string('config'), stateDict);
  stderr(`bottom-up (HigherHRNet) model: ${how}`);
  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  stderr(`backend: ${info.name}; engine: ${choice.engine}`);
  const model = new HigherHRNetModel(config);
  let release = async () => {};
  try {
    model.load(stateDict);
    let network: NetworkRunner | undefined;
    if (choice.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(choice, model));
    const estimator = createBottomUpEstimator(model, { network });
    const poses = await estimator.estimatePoses(image, {
      flipTest: options.flag('no-flip') ? false : undefined,
      scaleFactor: parseScales(options.string('scales')),
    });
    stderr(`${poses.length} people`);
    const json = JSON.stringify({ poses: poses.map(({ box, score, keypoints }) => ({ box, score, keypoints: keypoints.map(({ name, x, y, score: s }) => ({ name, x, y, score: s })) })) }, null, 2);
    const jsonPath = options.string('json');
    if (jsonPath) {
      await writeFile(userPath(jsonPath), `${json}\n`);
      stderr(`wrote ${poses.length} pose(s) to ${userPath(jsonPath)}`);
    } else {
      stdout(json);
    }
    const resultsPath = options.string('results');
    if (resultsPath) {
      const imageId = Number(options.string('image-id') ?? '0');
      if (!Number.isInteger(imageId)) throw new CliError(`--image-id must be an integer, got '${options.string('image-id')}'`);
      await writeFile(userPath(resultsPath), `${JSON.stringify(bottomUpCocoResults(poses, imageId))}\n`);
      stderr(`wrote COCO keypoint results to ${userPath(resultsPath)}`);
    }
    const outPath = options.string('out');
    if (outPath) {
      // Limbs for COCO's 17 joints; other joint sets are drawn as points.
      const skeleton = config.higher.numJoints === 17 ? COCO_DATASET.skeleton : [];
      await writePngFile(userPath(outPath), drawPoses(image, poses, { skeleton }, { minScore: config.test.detectionThreshold }));
      stderr(`wrote the overlay to ${userPath(outPath)}`);
    }
  } finally {
    await release();
    model.dispose();
  }
}
