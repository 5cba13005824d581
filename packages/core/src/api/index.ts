export { type Box, boxFromXywh, boxToXywh, type Keypoint, validateBox } from './box.js';
export {
  type ConfigSource,
  type LoadedModel,
  type LoadModelOptions,
  loadModel,
  type ModelSource,
  type WeightsSource,
} from './load-model.js';
export { configFromWeights, matchPreset, type PresetFit, type PresetMatch, rankPresets } from './match-preset.js';
export { createModel, hasModelBuilder, type ModelBuilder, modelBuilder, registerModelBuilder } from './model-registry.js';
export { type PathReader, setPathReader } from './path-reader.js';
