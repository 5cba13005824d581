import { writeFile } from 'node:fs/promises';
import type { RgbImage } from '@hrnetjs/core';
import { readCheckpointFile, useBackend, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { drawDetections, FasterRCNN } from '@hrnetjs/detection-head';
import { createPoseEstimator, drawPoses, PoseModel } from '@hrnetjs/pose-head';
import { overlay, SegModel } from '@hrnetjs/seg-head';
import { Options } from '../commands/command.js';
import { detectorConfig, readMergedWeights } from '../commands/detect.js';
import { segConfig } from '../commands/segment.js';
import { poseConfigFromWeights } from '../config-from-weights.js';
import { loadModelConfig } from '../load-config.js';
import { writeAtomically } from './atomic.js';
import type { TaskSpec } from './spec.js';
import { detectFileText, detectImage, labelsToGreyImage, poseFileText, poseImage, segmentImage } from './tasks.js';

/** What one image gives: the result file (written last: its presence means "done") and an optional overlay. */
export interface ImageOutput {
  /** Extension of the result file: `.json` (pose, detect), `.png` / `.npy` (segment label maps). */
  ext: string;
  write: (path: string) => Promise<void>;
  overlay?: RgbImage;
  /** Poses, detections or classes present: for the log line. */
  count: number;
}

/** A task's models loaded once (per worker thread), run on many images. */
export interface Pipeline {
  run(image: RgbImage): Promise<ImageOutput>;
  dispose(): void;
}

/** The result-file extension of a spec (known before any image runs, for resume). */
export const resultExtension = (spec: Pick<TaskSpec, 'task' | 'segFormat'>): string =>
  spec.task === 'segment' ? `.${spec.segFormat}` : '.json';

/** Writes an image's outputs: the overlay first, then the result file atomically. */
export async function writeImageOutput(output: ImageOutput, resultPath: string, overlayPath: string | null): Promise<void> {
  if (overlayPath && output.overlay) {
    const image = output.overlay;
    await writeAtomically(overlayPath, (tmp) => writePngFile(tmp, image));
  }
  await writeAtomically(resultPath, output.write);
}

/** Loads the models of `spec` on its engine. Only `engine: 'tfjs'` exists so far. */
export async function loadPipeline(spec: TaskSpec): Promise<Pipeline> {
  if (spec.engine !== 'tfjs') throw new Error(`engine '${spec.engine}' is not available (tfjs only)`);
  // spec.intraOpThreads: for the onnxruntime engine's session options once it lands; tfjs-wasm runs single-threaded per worker.
  await useBackend(spec.backend);
  if (spec.task === 'pose') return loadPose(spec);
  if (spec.task === 'detect') return loadDetect(spec);
  return loadSegment(spec);
}

async function loadPose(spec: TaskSpec): Promise<Pipeline> {
  const stateDict = (await readCheckpointFile(spec.weights[0])).stateDict;
  const config = spec.config
    ? await loadModelConfig(new Options({ config: spec.config, family: 'pose', 'batch-norm': spec.batchNorm }))
    : poseConfigFromWeights(stateDict).config;
  const model = new PoseModel(config);
  let detector: FasterRCNN | null = null;
  try {
    model.load(stateDict);
    if (spec.detector) {
      const weights = await readMergedWeights(spec.detector);
      detector = new FasterRCNN(await detectorConfig(new Options({ 'detector-config': spec.detectorConfig }), weights, 'detector-config'));
      detector.load(weights);
    }
  } catch (error) {
    model.dispose();
    detector?.dispose();
    throw error;
  }
  const estimator = createPoseEstimator(model);
  return {
    async run(image) {
      const poses = await poseImage(estimator, image, { detector, personClass: spec.personClass, flipTest: spec.flip });
      const text = poseFileText(poses);
      return {
        ext: '.json',
        write: (path) => writeFile(path, text),
        overlay: spec.overlays ? drawPoses(image, poses, estimator.settings.dataset, { minScore: estimator.settings.inVisThre }) : undefined,
        count: poses.length,
      };
    },
    dispose() {
      model.dispose();
      detector?.dispose();
    },
  };
}

async function loadDetect(spec: TaskSpec): Promise<Pipeline> {
  const weights = await readMergedWeights(spec.weights);
  const model = new FasterRCNN(await detectorConfig(new Options({ config: spec.config }), weights));
  model.load(weights);
  const options = { scoreThreshold: spec.scoreThreshold, maxDetections: spec.maxDetections, classes: spec.classes };
  return {
    async run(image) {
      const detections = await detectImage(model, image, options);
      const text = detectFileText(detections);
      return {
        ext: '.json',
        write: (path) => writeFile(path, text),
        overlay: spec.overlays ? drawDetections(image, detections) : undefined,
        count: detections.length,
      };
    },
    dispose: () => model.dispose(),
  };
}

async function loadSegment(spec: TaskSpec): Promise<Pipeline> {
  const config = await segConfig(new Options({ config: spec.config, 'batch-norm': spec.batchNorm }), () => {});
  const model = new SegModel(config);
  model.load((await readCheckpointFile(spec.weights[0])).stateDict);
  return {
    async run(image) {
      const result = await segmentImage(model, image, spec.segment ?? {});
      const { width, height, labels } = result;
      return {
        ext: `.${spec.segFormat}`,
        write:
          spec.segFormat === 'npy'
            ? (path) => writeNpyFile(path, { dtype: 'int32', shape: [height, width], values: labels })
            : (path) => writePngFile(path, labelsToGreyImage(result)),
        overlay: spec.overlays ? overlay(image, result, result.palette) : undefined,
        count: new Set(labels).size,
      };
    },
    dispose: () => model.dispose(),
  };
}
