import { type Checkpoint, readCheckpoint } from '../checkpoint/read-checkpoint.js';
import { inferFamily } from '../config/infer-config.js';
import type { ParseConfigOptions } from '../config/parse-options.js';
import { resolveModelConfig } from '../config/resolve-config.js';
import type { ModelConfig, ModelFamily } from '../config/types.js';
import type { TaskModel } from '../model/task-model.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { configFromWeights } from './match-preset.js';
import { modelBuilder } from './model-registry.js';
import { readPath } from './path-reader.js';

/**
 * Weights in any form: a path (Node, after importing `@hrnetjs/core/node`; `.pth`, `.safetensors`,
 * TF.js `model.json`), the file's bytes, a read {@link Checkpoint} or a bare state dict.
 */
export type WeightsSource = string | Uint8Array | ArrayBuffer | Checkpoint | StateDict;

/**
 * A config in any form: a preset id, a config file path (`.yaml` / `.yml` / `.json`, Node), config
 * text (official yaml, mmdet dict dumped to JSON/YAML, our JSON), a parsed object, or a ModelConfig
 * (a preset, `parseModelConfig`'s result: used as is).
 */
export type ConfigSource = string | object;

/** What {@link loadModel} takes: weights alone, or weights plus the config they belong to. */
export type ModelSource = WeightsSource | { weights: WeightsSource; config?: ConfigSource };

/** Options of {@link loadModel}. */
export interface LoadModelOptions extends Pick<ParseConfigOptions, 'batchNorm' | 'alignCorners'> {
  /** The config (wins over a `config` given in the source); default: the preset the weights fit, else the architecture read from them. */
  config?: ConfigSource;
  /** The family to build (default: read from the keys). A model of another family is an error. */
  family?: ModelFamily;
  /** Strict load (default true): every key must match, as PyTorch's `load_state_dict`. */
  strict?: boolean;
}

/** A model {@link loadModel} built: the network, loaded, plus where its config came from. */
export interface LoadedModel<M extends TaskModel = TaskModel> {
  model: M;
  /** One line: the preset fitted, the config given, or the architecture read from the weights. */
  how: string;
  /** The checkpoint's non-weight entries (mmdet `meta`, epoch, …). */
  extras: Record<string, unknown>;
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;

function isCheckpoint(value: object): value is Checkpoint {
  return 'stateDict' in value && (value as Checkpoint).stateDict instanceof Map && 'format' in value;
}

/** The weights and the checkpoint's other entries. */
interface ReadWeights {
  stateDict: StateDict;
  extras: Record<string, unknown>;
}

async function readWeights(source: WeightsSource): Promise<ReadWeights> {
  if (typeof source === 'string') {
    if (/\.json$/i.test(source)) {
      throw new Error(`'${source}': TF.js model.json weights are read with readCheckpointFile from '@hrnetjs/core/node'; pass its result to loadModel`);
    }
    return readCheckpoint(await readPath(source, 'checkpoint'));
  }
  if (source instanceof Uint8Array) return readCheckpoint(source);
  if (source instanceof ArrayBuffer) return readCheckpoint(new Uint8Array(source));
  if (source instanceof Map) return { stateDict: source, extras: {} };
  if (source && typeof source === 'object' && isCheckpoint(source)) return source;
  throw new Error(`weights must be a path, bytes (Uint8Array / ArrayBuffer), a Checkpoint or a state dict (Map), got ${describe(source)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/** A ModelConfig built by this library (a preset, `parseModelConfig`'s result): used as is. */
function isBuiltConfig(value: object): value is ModelConfig {
  const c = value as Partial<ModelConfig>;
  return typeof c.name === 'string' && typeof c.family === 'string' && !!c.backbone?.stage1 && Array.isArray(c.backbone?.stages) && typeof c.head?.type === 'string' && typeof c.input === 'object';
}

async function readConfig(source: ConfigSource, options: LoadModelOptions): Promise<ModelConfig> {
  if (typeof source === 'object' && source !== null && isBuiltConfig(source)) {
    const config = structuredClone(source);
    if (options.batchNorm !== undefined) config.backbone.batchNorm = options.batchNorm;
    if (options.alignCorners !== undefined) config.backbone.alignCorners = options.alignCorners;
    return config;
  }
  const parse: ParseConfigOptions = { family: options.family, batchNorm: options.batchNorm, alignCorners: options.alignCorners };
  if (typeof source === 'string' && CONFIG_FILE.test(source.trim()) && !source.includes('\n')) {
    const text = new TextDecoder().decode(await readPath(source.trim(), 'config'));
    return resolveModelConfig(text, { ...parse, name: source.trim() });
  }
  return resolveModelConfig(source, parse);
}

function splitSource(source: ModelSource): { weights: WeightsSource; config?: ConfigSource } {
  if (source && typeof source === 'object' && !(source instanceof Map) && !(source instanceof Uint8Array) && !(source instanceof ArrayBuffer) && 'weights' in source) {
    return source as { weights: WeightsSource; config?: ConfigSource };
  }
  return { weights: source as WeightsSource };
}

/**
 * From a checkpoint to a ready model in one call (timm's `create_model(pretrained=True)`, mmdet's
 * `init_detector`): reads the weights, takes the config given or the preset they fit (else the
 * architecture read from their keys), builds the network through the registered head packages,
 * loads it strictly, and applies what the checkpoint's meta says (mmdet `meta.CLASSES` → class
 * names).
 *
 * @example
 * import '@hrnetjs/pose-head'; // registers pose models
 * const { model } = await loadModel('pose_hrnet_w32_256x192.pth');
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const given = splitSource(source);
  const checkpoint = await readWeights(given.weights);
  const configSource = options.config ?? given.config;
  let config: ModelConfig;
  let how: string;
  if (configSource !== undefined) {
    config = await readConfig(configSource, options);
    how = `config ${config.name}`;
  } else {
    const family = inferFamily(checkpoint.stateDict);
    if (options.family !== undefined && family !== options.family) {
      throw new Error(`expected a '${options.family}' model, but the weights are a '${family}' checkpoint (their head keys say so)`);
    }
    const fileName = typeof given.weights === 'string' ? given.weights : undefined;
    ({ config, how } = configFromWeights(checkpoint.stateDict, family, fileName));
    if (options.batchNorm !== undefined) config.backbone.batchNorm = options.batchNorm;
    if (options.alignCorners !== undefined) config.backbone.alignCorners = options.alignCorners;
  }
  if (options.family !== undefined && config.family !== options.family) {
    throw new Error(`expected a '${options.family}' model, but ${how} is a '${config.family}' model`);
  }
  const builder = modelBuilder(config.head.type);
  const model = builder.build(config);
  try {
    model.load(checkpoint.stateDict, { strict: options.strict ?? true });
    builder.applyCheckpointMeta?.(model, checkpoint.extras);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, how, extras: checkpoint.extras };
}
