import { registerModelBuilder } from '@hrnetjs/core';
import { createSegModel } from './seg-network.js';

/** Segmentation models for `loadModel` / `matchPreset` of @hrnetjs/core (registered when this package loads). */
export const SEG_BUILDER = registerModelBuilder({ head: 'seg', packageName: '@hrnetjs/seg-head', build: (config) => createSegModel(config) });
