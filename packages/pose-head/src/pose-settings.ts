import { IMAGENET_MEAN, IMAGENET_STD, type ModelConfig } from '@hrnetjs/core';
import { type PoseDataset, datasetForJoints } from './datasets.js';

/** Everything the top-down pipeline takes from the model config (official yaml `MODEL.*`, `TEST.*`). */
export interface PoseSettings {
  /** Network input [width, height] (`MODEL.IMAGE_SIZE`). */
  inputSize: [number, number];
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** `TEST.FLIP_TEST` */
  flipTest: boolean;
  /** `TEST.SHIFT_HEATMAP` */
  shiftHeatmap: boolean;
  /** `TEST.POST_PROCESS` (quarter-offset refinement) */
  postProcess: boolean;
  /** `TEST.IN_VIS_THRE`: keypoints above it count in the rescoring. */
  inVisThre: number;
  /** `TEST.OKS_THRE`: OKS-NMS threshold. */
  oksThre: number;
  /** `TEST.IMAGE_THRE`: detector boxes scoring below it are dropped (NMS path). */
  imageThre: number;
  /** Keypoint names, flip pairs, skeleton, sigmas (from the joint count). */
  dataset: PoseDataset;
}

/** The official COCO w32 256×192 yaml values, used for every key a config does not carry. */
export const COCO_DEFAULTS = {
  inputSize: [192, 256] as [number, number],
  flipTest: true,
  shiftHeatmap: true,
  postProcess: true,
  inVisThre: 0.2,
  oksThre: 0.9,
  imageThre: 0.0,
};

/**
 * Pipeline settings of a pose model: input size and normalisation from `config.input`, the test
 * switches from `config.test` (the yaml's TEST.*, read and checked by the config parser), COCO
 * 256×192 defaults for anything absent.
 */
export function poseSettingsFromConfig(config: ModelConfig): PoseSettings {
  if (config.head.type !== 'pose') throw new Error(`the pose pipeline needs a pose model config, got a '${config.head.type}' head`);
  const inputSize = config.input.imageSize ?? COCO_DEFAULTS.inputSize;
  if (inputSize.some((v) => !Number.isInteger(v) || v <= 0 || v % 32 !== 0)) {
    // Stride-2 convs then ×2 nearest upsampling only line up on multiples of 32.
    throw new Error(`pose input size must be positive multiples of 32 (MODEL.IMAGE_SIZE [width, height]), got [${inputSize.join(', ')}]`);
  }
  const test = config.test ?? {};
  return {
    inputSize: [inputSize[0], inputSize[1]],
    mean: config.input.mean ?? IMAGENET_MEAN,
    std: config.input.std ?? IMAGENET_STD,
    flipTest: test.flipTest ?? COCO_DEFAULTS.flipTest,
    shiftHeatmap: test.shiftHeatmap ?? COCO_DEFAULTS.shiftHeatmap,
    postProcess: test.postProcess ?? COCO_DEFAULTS.postProcess,
    inVisThre: test.inVisThre ?? COCO_DEFAULTS.inVisThre,
    oksThre: test.oksThre ?? COCO_DEFAULTS.oksThre,
    imageThre: test.imageThre ?? COCO_DEFAULTS.imageThre,
    dataset: datasetForJoints(config.head.numJoints),
  };
}
