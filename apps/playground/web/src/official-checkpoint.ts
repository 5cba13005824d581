/**
 * A dropped checkpoint → a model the page can run: a pose checkpoint replaces the demo pose model
 * (people still come from the demo detector), a segmentation checkpoint replaces the demo
 * segmentation with its own classes and palette. Other families are refused with a readable error.
 */
import { compareStateDict, configFromWeights, countProblems, inferModelConfig, type ModelConfig, type StateDict } from '@hrnetjs/core';
import { POSE_BUILDER, PoseModel } from '@hrnetjs/pose-head';
import { SEG_DATASETS, type SegDatasetId, SegModel } from '@hrnetjs/seg-head';
import { poseConfig } from '../../src/demo-model/index.js';

/** A loaded pose or segmentation model from a dropped checkpoint, with a one-line description. */
export type OfficialModel =
  | { kind: 'pose'; model: PoseModel; description: string }
  | { kind: 'seg'; model: SegModel; description: string; dataset: SegDatasetId | null };

const FAMILY_NAMES: Record<string, string> = {
  cls: 'an ImageNet classification checkpoint',
  mmdet: 'an mmdetection (Faster R-CNN) checkpoint',
};

/**
 * The pose config of a state dict: the demo pose model's when it fits exactly (the demo weights
 * converted to another format keep their own input size), else an official preset or the
 * architecture read from the keys (core's `configFromWeights`).
 */
function choosePoseConfig(stateDict: StateDict): { config: ModelConfig; how: string } {
  const demo = poseConfig();
  if (countProblems(compareStateDict(new PoseModel(demo), stateDict)) === 0) {
    const [w, h] = demo.input.imageSize ?? [];
    return { config: demo, how: `the demo pose model (${h}×${w} input)` };
  }
  void POSE_BUILDER; // pose presets take part in the fit
  return configFromWeights(stateDict, 'pose');
}

/** The official dataset a seg model's class count belongs to (19 Cityscapes, 150 ADE20K, …), if any. */
function datasetByClasses(numClasses: number): SegDatasetId | null {
  const found = Object.values(SEG_DATASETS).find((d) => d.classes.length === numClasses);
  return found ? found.id : null;
}

/**
 * Builds and loads the model of a checkpoint's state dict (strict: a mismatch throws the loader's
 * StateDictError listing the missing / unexpected / mis-shaped keys).
 */
export function modelFromStateDict(stateDict: StateDict, fileName: string): OfficialModel {
  const inferred = inferModelConfig(stateDict);
  if (inferred.family === 'pose') {
    const { config, how } = choosePoseConfig(stateDict);
    const model = new PoseModel(config);
    model.load(stateDict);
    return { kind: 'pose', model, description: `${fileName}: pose model, ${how}` };
  }
  if (inferred.family === 'seg' && inferred.head.type === 'seg') {
    const model = new SegModel(inferred);
    model.load(stateDict);
    const dataset = datasetByClasses(inferred.head.numClasses);
    const what = dataset ? `${dataset} classes` : `${inferred.head.numClasses} classes`;
    return { kind: 'seg', model, dataset, description: `${fileName}: segmentation model, ${what}` };
  }
  throw new Error(
    `${fileName} is ${FAMILY_NAMES[inferred.family] ?? `a '${inferred.family}' checkpoint`}; the playground runs pose checkpoints (final_layer.* keys, e.g. pose_hrnet_w32_256x192.pth) or segmentation checkpoints (last_layer.* keys, e.g. hrnet_w48_cityscapes_*.pth)`,
  );
}
