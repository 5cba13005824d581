import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.js';
import { type Dict, describeValue, isDict } from './config-values.js';
import { isMmdetLayout, parseMmdetConfig } from './parse-mmdet.js';
import { isModelConfigLayout, parseModelConfigObject } from './parse-model-json.js';
import { isOfficialYamlLayout, parseOfficialYaml } from './parse-official-yaml.js';
import { type ParseConfigOptions, checkParseOptions } from './parse-options.js';
import type { ModelConfig } from './types.js';

/**
 * Parses YAML or JSON text into a plain object. BOM and CRLF/CR line endings (several official
 * yamls have CRLF) are normalised first. The YAML 1.2 core schema is used on purpose: it reads
 * `True`/`False` like PyYAML does, while the 1.1 schema of the `yaml` package would also turn keys
 * such as `N` or `Y` into booleans, which PyYAML does not.
 */
export function parseConfigText(text: string): unknown {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (normalised.trim() === '') throw new ConfigError('the config text is empty');
  let value: unknown;
  try {
    value = parseYaml(normalised, { uniqueKeys: false });
  } catch (cause) {
    if (looksLikePython(normalised)) throw pythonConfigError(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(`could not parse the config text as YAML or JSON: ${detail}`, { cause });
  }
  if (!isDict(value) && looksLikePython(normalised)) throw pythonConfigError();
  return value;
}

/**
 * Reads a model config in any of the accepted layouts:
 * - official HRNet yaml (pose_hrnet / seg_hrnet / cls_hrnet: `MODEL.EXTRA.STAGE1..4`, …);
 * - mmdet dicts dumped to JSON/YAML: a bare `HRNet` backbone dict, a model dict
 *   (`{type: 'FasterRCNN', backbone, neck, rpn_head, …}`) or a whole config (`{model: {...}}`);
 * - our own JSON layout, i.e. a {@link ModelConfig} (`family` + `backbone.stages` + `head`).
 *
 * `input` is YAML/JSON text or the already-parsed object. Throws {@link ConfigError} with the
 * offending key path on anything invalid.
 */
export function parseModelConfig(input: string | object, options?: ParseConfigOptions): ModelConfig {
  const opts = checkParseOptions(options);
  const root = typeof input === 'string' ? parseConfigText(input) : input;
  if (!isDict(root)) {
    throw new ConfigError(`a model config must be a mapping at the top level, got ${describeValue(root)}`);
  }
  if (isModelConfigLayout(root)) return parseModelConfigObject(root, opts);
  if (isOfficialYamlLayout(root)) return parseOfficialYaml(root, opts);
  if (isMmdetLayout(root)) return parseMmdetConfig(root, opts);
  throw new ConfigError(
    `unrecognised config layout (top-level keys: ${describeKeys(root)}); expected an official HRNet yaml (MODEL.EXTRA.STAGE2…), ` +
      'an mmdet dict (backbone.extra.stage1…, or {model: {...}}) or an HRNet.js ModelConfig (family + backbone.stages + head)',
  );
}

function describeKeys(root: Dict): string {
  const keys = Object.keys(root);
  if (keys.length === 0) return 'none';
  return keys.length > 8 ? `${keys.slice(0, 8).join(', ')}, …` : keys.join(', ');
}

function looksLikePython(text: string): boolean {
  return /\bdict\s*\(/.test(text) || /^_base_\s*=/m.test(text);
}

function pythonConfigError(cause?: unknown): ConfigError {
  return new ConfigError(
    'this looks like an mmdet Python config (dict(...)); dump it to JSON first, e.g. ' +
      "`python -c \"from mmcv import Config; Config.fromfile('cfg.py').dump('cfg.json')\"` (mmengine.Config in mmdet 3.x)",
    { cause },
  );
}
