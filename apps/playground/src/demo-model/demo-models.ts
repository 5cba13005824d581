/**
 * Building and loading the two demo models. Fresh models get the official initialisation
 * (kaiming-normal convs, BN 1/0) and mmdet's head init; shipped weights load strictly.
 */
import { type Module, readCheckpoint, type StateDict } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { initDetectorWeights } from '@hrnetjs/detection-head/ops';
import { PoseModel } from '@hrnetjs/pose-head';
import { createMultiTask, type MultiTaskModel } from '../multitask/index.js';
import type { DemoModels } from './demo-pipeline.js';
import { DEMO_DETECTION_PIPELINE, DEMO_DETECTOR_CLASSES, MULTI_TASK_SEG_CLASSES, multiTaskConfig, poseConfig } from './demo-config.js';

/** The shared-backbone seg + det model of the demo (random init unless weights are given). */
export function createDemoMultiTask(weights?: StateDict, seed = 1): MultiTaskModel {
  const model = createMultiTask({ config: multiTaskConfig(), heads: { numClasses: MULTI_TASK_SEG_CLASSES } });
  model.detector.classNames = DEMO_DETECTOR_CLASSES;
  model.detector.testPipeline = { ...DEMO_DETECTION_PIPELINE };
  if (weights) model.load(weights);
  else {
    initDetectorWeights(model.detector, seed);
    normalInitConvs(model.lastLayer, 0.001, seed + 1);
  }
  return model;
}

/** The top-down pose model of the demo (random init unless weights are given). */
export function createDemoPose(weights?: StateDict, seed = 1): PoseModel {
  const model = new PoseModel(poseConfig());
  if (weights) model.load(weights);
  else normalInitConvs(model, 0.001, seed);
  return model;
}

/**
 * The official pose / seg `init_weights`: every conv weight N(0, std) (biases and BN keep their
 * 0 / 1 defaults). Small final-layer outputs keep the first heatmap / logit losses sane.
 */
function normalInitConvs(module: Module, std: number, seed: number): void {
  const random = createRandom(seed);
  for (const e of module.boundEntries()) {
    if (e.kind !== 'parameter' || e.shape.length !== 4) continue;
    const n = e.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = std * Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    e.owner.setValue(e.name, values);
  }
}

/** File names of the shipped demo weights (in apps/playground/weights). */
export const DEMO_WEIGHT_FILES = { multiTask: 'demo-multitask.safetensors', pose: 'demo-pose.safetensors' } as const;

/** Both demo models from the bytes of their weight files (safetensors, .pth or any format our reader takes). */
export function loadDemoModels(bytes: { multiTask: Uint8Array; pose: Uint8Array }): DemoModels {
  return {
    multiTask: createDemoMultiTask(readCheckpoint(bytes.multiTask).stateDict),
    pose: createDemoPose(readCheckpoint(bytes.pose).stateDict),
  };
}
