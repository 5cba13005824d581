export type {
  BackboneConfig,
  BlockType,
  ClsHeadConfig,
  HRFPNConfig,
  HeadConfig,
  InputConfig,
  MmdetHeadConfig,
  ModelConfig,
  ModelFamily,
  OcrHeadConfig,
  PoseHeadConfig,
  SegHeadConfig,
  StageConfig,
  TestSettings,
} from './types.js';
export { ConfigError } from './config-error.js';
export { readMmdetTest, readOfficialTest } from './test-settings.js';
export {
  type FamilyDefaults,
  type FamilyDefaultsOptions,
  MODEL_FAMILIES,
  familyDefaults,
  poseStage1,
} from './family-defaults.js';
export { IMAGENET_MEAN, IMAGENET_STD } from './imagenet.js';
export { OCR_DEFAULTS, OCR_MODEL_NAME } from './ocr-head.js';
export type { ParseConfigOptions } from './parse-options.js';
export { parseConfigText, parseModelConfig } from './parse-config.js';
export { validateModelConfig } from './parse-model-json.js';
export { BLOCK_EXPANSION, branchOutputChannels } from './parse-stage.js';
export { type HRNetVariant, variantStages, variantWidths } from './stage-table.js';
export {
  type ModelPreset,
  PRESET_IDS,
  type PresetId,
  getPreset,
  isPresetId,
  listPresets,
  presetToModelConfig,
} from './presets.js';
export { resolveModelConfig } from './resolve-config.js';
export { inferFamily, inferModelConfig } from './infer-config.js';
