import { registerModelBuilder } from '@hrnetjs/core';
import { PoseModel } from './pose-model.js';

/** Pose models for `loadModel` / `matchPreset` of @hrnetjs/core (registered when this package loads). */
export const POSE_BUILDER = registerModelBuilder({ head: 'pose', packageName: '@hrnetjs/pose-head', build: (config) => new PoseModel(config) });
