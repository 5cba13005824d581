import { createModel as buildModel, type ModelConfig, type TaskModel } from '@hrnetjs/core';
import { MMDET_BUILDER } from '@hrnetjs/detection-head';
import { POSE_BUILDER } from '@hrnetjs/pose-head';
import { SEG_BUILDER } from '@hrnetjs/seg-head';

/**
 * Every head package's model builders, registered with core's registry on import. Named value
 * imports, so bundlers keep the registrations (the packages are `sideEffects: false`).
 */
export const MODEL_BUILDERS = [POSE_BUILDER, SEG_BUILDER, MMDET_BUILDER] as const;

/** The task model for a config, with every family's builder registered (core's `createModel`). */
export function createModel(config: ModelConfig): TaskModel {
  void MODEL_BUILDERS;
  return buildModel(config);
}
