import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { configFromWeights, encodeSafetensors, matchPreset, type ModelConfig, type StateDict, type TaskModel } from '@hrnetjs/core';
import { FasterRCNN } from '@hrnetjs/detection-head';
import { HigherHRNetModel, isHigherHRNetStateDict } from '@hrnetjs/pose-head';
import { higherConfigFor, higherConfigFromSpec } from '../higher-config.js';
import { createModel } from '../models.js';
import { loadModelConfig } from '../load-config.js';
import { readCheckpointFile, writeTfjsWeightsFile } from '@hrnetjs/core/node';
import { CliError } from '../cli-error.js';
import { userPath } from '../paths.js';
import type { CommandContext, Options } from './command.js';

const TARGETS = ['safetensors', 'tfjs', 'onnx'] as const;
const DTYPES = ['float32', 'float16'] as const;
type Target = (typeof TARGETS)[number];

const isManifest = (path: string) => extname(path).toLowerCase() === '.json';

/** The checkpoint's name without its extension; a `<name>-tfjs/model.json` input gives `<name>`. */
function stem(input: string): string {
  return isManifest(input) ? basename(dirname(input)).replace(/-tfjs$/, '') : basename(input, extname(input));
}

/** The folder the input "sits in": for a model.json, the folder that holds its `-tfjs` folder. */
const besideInput = (input: string) => (isManifest(input) ? dirname(dirname(input)) : dirname(input));

/**
 * Where the converted weights go: `--out` (for tfjs a folder, or the model.json path itself),
 * else beside the input as `<name>.safetensors` or `<name>-tfjs/model.json`.
 */
export function outputPath(input: string, to: Target, out: string | undefined): string {
  if (to === 'safetensors' || to === 'onnx') return out ? userPath(out) : join(besideInput(input), `${stem(input)}.${to}`);
  if (!out) return join(besideInput(input), `${stem(input)}-tfjs`, 'model.json');
  const path = userPath(out);
  return isManifest(path) ? path : join(path, 'model.json');
}

/**
 * `hrnet convert <checkpoint> --to safetensors|tfjs [--dtype float32|float16] [--out path]`:
 * rewrites any checkpoint the reader loads (.pth, .safetensors, TF.js model.json) as safetensors
 * or TF.js weight shards for the web, with the same state-dict names; float16 halves the size.
 */
export async function convertCommand({ options, positionals, stdout }: CommandContext): Promise<void> {
  if (positionals.length !== 1) throw new CliError(`convert needs exactly one input checkpoint, got ${positionals.length}: convert <in.pth|.safetensors> --to safetensors|tfjs`);
  const to = options.required('to') as Target;
  if (!TARGETS.includes(to)) throw new CliError(`--to must be one of ${TARGETS.join(', ')}; got '${to}'`);
  const dtype = (options.string('dtype') ?? 'float32') as (typeof DTYPES)[number];
  if (!DTYPES.includes(dtype)) throw new CliError(`--dtype must be one of ${DTYPES.join(', ')}; got '${dtype}'`);
  const input = userPath(positionals[0]);
  const out = outputPath(input, to, options.string('out'));
  if (resolve(out) === resolve(input)) throw new CliError(`the output ${out} would overwrite the input; pass --out <another path>`);

  const checkpoint = await readCheckpointFile(input);
  const { stateDict } = checkpoint;
  const metadata = { converted_from: basename(input), dtype };
  let bytes: number;
  if (to === 'onnx') {
    const files = await writeOnnx(out, await onnxModel(options, stateDict, input), stateDict, dtype);
    bytes = files.reduce((n, f) => n + f.bytes, 0);
    for (const f of files.slice(1)) stdout(`${basename(input)} → ${f.path}: ${f.what}, ${f.bytes} bytes`);
  } else if (to === 'safetensors') {
    // 'pt' is what Python's safetensors.torch.save_file records.
    const data = encodeSafetensors(stateDict, { format: 'pt', ...metadata }, { dtype });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, data);
    bytes = data.length;
  } else {
    bytes = await writeTfjsWeightsFile(out, stateDict, { dtype, metadata });
  }
  const dropped = checkpoint.ignored.length ? `, dropped ${checkpoint.ignored.length} training-only keys` : '';
  stdout(`${basename(input)} (${checkpoint.format}) → ${out}: ${stateDict.size} tensors, ${bytes} bytes, ${dtype}${dropped}`);
}

/**
 * The network of an ONNX conversion: HigherHRNet (bottom-up pose, outside core's model registry)
 * for a HigherHRNet preset / yaml or, without `--config`, for HigherHRNet weights; else the model
 * of {@link onnxModelConfig}.
 */
async function onnxModel(options: Options, stateDict: StateDict, file: string): Promise<TaskModel> {
  const spec = options.string('config');
  if ((await higherConfigFromSpec(spec)) || (!spec && isHigherHRNetStateDict(stateDict))) {
    return new HigherHRNetModel((await higherConfigFor(spec, stateDict)).config);
  }
  return createModel(await onnxModelConfig(options, stateDict, file));
}

/** The network of an ONNX conversion: `--config`, else the preset the weights fit (detectors need one), else read from the keys. */
async function onnxModelConfig(options: Options, stateDict: StateDict, file: string): Promise<ModelConfig> {
  if (options.string('config')) return loadModelConfig(options);
  if ([...stateDict.keys()].some((k) => k.startsWith('rpn_head.'))) {
    const match = matchPreset(stateDict, 'mmdet', file);
    if (!match) throw new CliError('the detector weights fit no mmdet preset; pass --config <preset|mmdet model dict json>');
    return match.config;
  }
  try {
    return configFromWeights(stateDict, undefined, file).config;
  } catch (e) {
    throw new CliError(`cannot tell the network from the weights (${(e as Error).message}); pass --config <preset|file>`);
  }
}

/**
 * Writes `model.toOnnx()`, and for two-stage detectors (Faster / Mask / Cascade (Mask) R-CNN, HTC) each
 * RoI head network beside it, as the onnxruntime engine runs them (`onnxHeadGraphs`):
 * `<name>-roi-head.onnx` (bbox head), `<name>-mask-head.onnx`, with `-{stage}` for cascades, and
 * `<name>-semantic-head.onnx` (HTC).
 * The model's weights are freed before the bytes are written.
 */
async function writeOnnx(out: string, model: TaskModel, stateDict: StateDict, dtype: 'float32' | 'float16'): Promise<Array<{ path: string; bytes: number; what: string }>> {
  let graphs: Array<{ path: string; data: Uint8Array; what: string }>;
  try {
    model.load(stateDict);
    graphs = [{ path: out, data: model.toOnnx({ weights: dtype }), what: 'the network' }];
    if (model instanceof FasterRCNN) {
      for (const g of model.onnxHeadGraphs()) {
        graphs.push({ path: out.replace(/(\.onnx)?$/i, `-${g.suffix}.onnx`), data: g.toOnnx({ weights: dtype }), what: g.description });
      }
    }
  } finally {
    model.dispose();
  }
  await mkdir(dirname(out), { recursive: true });
  for (const g of graphs) await writeFile(g.path, g.data);
  return graphs.map((g) => ({ path: g.path, bytes: g.data.length, what: g.what }));
}
