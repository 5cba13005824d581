import { ConfigError } from './config-error.js';
import { parseModelConfig } from './parse-config.js';
import { type ParseConfigOptions, checkParseOptions } from './parse-options.js';
import { getPreset, presetToModelConfig } from './presets.js';
import type { ModelConfig } from './types.js';

/** A single token such as `pose-coco-w32-256x192`: meant as a preset id, never as config text. */
const ID_LIKE = /^[A-Za-z0-9][\w.-]*$/;

/**
 * Turns what a user passes as "the model" into a ModelConfig: a preset id, or config text
 * (official yaml, mmdet dict dumped to JSON/YAML, our JSON) or an already-parsed object. Reading a
 * file is the caller's job. For presets, `options.batchNorm` / `alignCorners` / `name` override the
 * record (e.g. a `*_torch04` checkpoint with a standard-BN preset), and `options.family` must agree.
 */
export function resolveModelConfig(spec: string | object, options?: ParseConfigOptions): ModelConfig {
  if (typeof spec !== 'string' || !ID_LIKE.test(spec.trim())) return parseModelConfig(spec, options);
  // An id-like string that is not a preset gets the "unknown preset, did you mean" error here.
  const preset = getPreset(spec.trim());
  const opts = checkParseOptions(options);
  if (opts.family !== undefined && opts.family !== preset.family) {
    throw new ConfigError(`preset '${preset.id}' is a '${preset.family}' model but family '${opts.family}' was requested`);
  }
  const config = presetToModelConfig(preset);
  if (opts.name !== undefined) config.name = opts.name;
  if (opts.batchNorm !== undefined) config.backbone.batchNorm = opts.batchNorm;
  if (opts.alignCorners !== undefined) config.backbone.alignCorners = opts.alignCorners;
  if (opts.neckKeyStyle !== undefined && config.head.type === 'mmdet' && config.head.neck) {
    config.head.neck.keyStyle = opts.neckKeyStyle;
  }
  return config;
}
