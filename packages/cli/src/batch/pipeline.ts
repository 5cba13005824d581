import { writeFile } from 'node:fs/promises';
import { configFromWeights, type NetworkRunner, type RgbImage } from '@hrnetjs/core';
import { createOrtSession, readCheckpointFile, useBackend, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { type Detector, drawDetections } from '@hrnetjs/detection-head';
import { createPoseEstimator, drawPoses } from '@hrnetjs/pose-head';
import { createSegmenter, overlay } from '@hrnetjs/seg-head';
import { Options } from '../commands/command.js';
import { loadDetector } from '../load-detector.js';
import { segConfig } from '../seg-options.js';
import { type EngineChoice, onnxNetwork, useEngineForDetector } from '../engine.js';
import { loadModelConfig } from '../load-config.js';
import { writeAtomically } from './atomic.js';
import type { TaskSpec } from './spec.js';
import { detectFileText, detectImage, labelsToGreyImage, parsePersonClass, poseFileText, poseImage, segmentImage } from './tasks.js';

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

/** The engine of a worker: tfjs, or onnxruntime sessions with the worker's share of the cores. */
function engineOf(spec: TaskSpec): EngineChoice {
  if (spec.engine === 'tfjs') return { engine: 'tfjs', auto: false, createSession: () => Promise.reject(new Error('the tfjs engine opens no ONNX session')) };
  return { engine: 'onnxruntime', auto: false, createSession: (bytes) => createOrtSession(bytes, { intraOpNumThreads: spec.intraOpThreads, optimizedModelCache: spec.ortCache }) };
}

/** Loads the models of `spec` (once per worker) on its engine. */
export async function loadPipeline(spec: TaskSpec): Promise<Pipeline> {
  await useBackend(spec.backend);
  const engine = engineOf(spec);
  if (spec.task === 'pose') return loadPose(spec, engine);
  if (spec.task === 'detect') return loadDetect(spec, engine);
  return loadSegment(spec, engine);
}

async function loadPose(spec: TaskSpec, engine: EngineChoice): Promise<Pipeline> {
  const checkpoint = await readCheckpointFile(spec.weights[0]);
  const config = spec.config
    ? await loadModelConfig(new Options({ config: spec.config, family: 'pose', 'batch-norm': spec.batchNorm }))
    : configFromWeights(checkpoint.stateDict, 'pose', spec.weights[0]).config;
  const detector = spec.detector ? await loadDetector(new Options({ 'detector-config': spec.detectorConfig }), spec.detector, 'detector-config') : null;
  const loaded = await createPoseEstimator({ weights: checkpoint, config }).catch((error) => {
    detector?.dispose();
    throw error;
  });
  let release = async () => {};
  try {
    let network: NetworkRunner | undefined;
    if (engine.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(engine, loaded.model));
    if (detector) await useEngineForDetector(engine, detector.model);
    const estimator = await createPoseEstimator(loaded.model, {
      network,
      ...(detector ? { detector, personClass: parsePersonClass(spec.personClass) } : {}),
    });
    return {
      async run(image) {
        const poses = await poseImage(estimator, image, { flipTest: spec.flip });
        const text = poseFileText(poses);
        return {
          ext: '.json',
          write: (path) => writeFile(path, text),
          overlay: spec.overlays ? drawPoses(image, poses, estimator.settings.dataset, { minScore: estimator.settings.inVisThre }) : undefined,
          count: poses.length,
        };
      },
      dispose() {
        void release();
        void detector?.model.releaseOnnx();
        loaded.dispose();
        detector?.dispose();
      },
    };
  } catch (error) {
    await release();
    loaded.dispose();
    detector?.dispose();
    throw error;
  }
}

async function loadDetect(spec: TaskSpec, engine: EngineChoice): Promise<Pipeline> {
  const detector: Detector = await loadDetector(new Options({ config: spec.config }), spec.weights);
  try {
    await useEngineForDetector(engine, detector.model);
  } catch (error) {
    detector.dispose();
    throw error;
  }
  const options = { scoreThreshold: spec.scoreThreshold, maxDetections: spec.maxDetections, classes: spec.classes };
  return {
    async run(image) {
      const detections = await detectImage(detector, image, options);
      const text = detectFileText(detections);
      return {
        ext: '.json',
        write: (path) => writeFile(path, text),
        overlay: spec.overlays ? drawDetections(image, detections) : undefined,
        count: detections.length,
      };
    },
    dispose() {
      void detector.model.releaseOnnx();
      detector.dispose();
    },
  };
}

async function loadSegment(spec: TaskSpec, engine: EngineChoice): Promise<Pipeline> {
  const { stateDict } = await readCheckpointFile(spec.weights[0]);
  const config = await segConfig(new Options({ config: spec.config, 'batch-norm': spec.batchNorm }), () => {}, stateDict, spec.weights[0]);
  const segmenter = await createSegmenter({ weights: stateDict, config }, spec.segment ?? {});
  let release = async () => {};
  let network: NetworkRunner | undefined;
  try {
    if (engine.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(engine, segmenter.model));
  } catch (error) {
    segmenter.dispose();
    throw error;
  }
  return {
    async run(image) {
      const result = await segmentImage(segmenter, image, { network });
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
    dispose() {
      void release();
      segmenter.dispose();
    },
  };
}
