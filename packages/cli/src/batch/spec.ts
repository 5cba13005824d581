import { availableParallelism } from 'node:os';
import type { BackendName } from '@hrnetjs/core';
import type { SegmenterOptions } from '@hrnetjs/seg-head';
import { CliError } from '../cli-error.js';
import type { Options } from '../commands/command.js';
import { segmentOptionsFromFlags } from '../seg-options.js';
import { userFileExists, userPath } from '../paths.js';
import { ortCacheOption } from '../engine.js';

export const BATCH_TASKS = ['pose', 'detect', 'segment'] as const;
export type BatchTask = (typeof BATCH_TASKS)[number];
export const ENGINES = ['tfjs', 'onnxruntime'] as const;
export type Engine = (typeof ENGINES)[number];
const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

/**
 * Everything a worker (thread or machine) needs to load a task's pipeline: plain JSON with absolute
 * paths, so it travels through piscina's structured clone and BullMQ's job data unchanged.
 */
export interface TaskSpec {
  task: BatchTask;
  /** Checkpoint files (detect merges several; pose and segment take one). */
  weights: string[];
  /** A preset id or an absolute config file path; absent: read from the weights (pose, detect) or the default preset (segment). */
  config?: string;
  batchNorm?: string;
  backend: BackendName;
  engine: Engine;
  /**
   * Intra-op threads of one worker's engine (cores / jobs): the onnxruntime sessions'
   * `intraOpNumThreads` (tfjs-wasm runs single-threaded per worker).
   */
  intraOpThreads: number;
  /** onnxruntime: the folder of graphs optimized for this CPU (`--ort-cache`), absolute. */
  ortCache?: string;
  /** pose: Faster R-CNN person detector files, its config and the person class. */
  detector?: string[];
  detectorConfig?: string;
  personClass?: string;
  flip?: boolean;
  /** detect. */
  scoreThreshold?: number;
  maxDetections?: number;
  classes?: Array<string | number>;
  /** segment: test-time overrides and the label-map format. */
  segment?: SegmenterOptions;
  segFormat: 'png' | 'npy';
  /** Also write `overlays/<key>.png`. */
  overlays: boolean;
}

const absolute = (p: string) => userPath(p);
/** A config argument: a file becomes absolute (workers may run elsewhere); a preset id stays. */
const configArg = (c: string | undefined) => (c === undefined ? undefined : userFileExists(c) ? userPath(c) : c);

function number(options: Options, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const raw = options.string(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!check(v)) throw new CliError(`--${name} must be ${what}; got '${raw}'`);
  return v;
}

/** `--jobs N` (default: the available cores). */
export function parseJobs(options: Options): number {
  return number(options, 'jobs', (v) => Number.isInteger(v) && v > 0, 'a positive integer (worker threads)') ?? availableParallelism();
}

/** The task spec of `hrnet <task> … --out-dir` / `hrnet queue add <task> …`, validated up front. */
export function taskSpecFromOptions(task: string, options: Options, jobs: number): TaskSpec {
  if (!BATCH_TASKS.includes(task as BatchTask)) throw new CliError(`the task must be one of ${BATCH_TASKS.join(', ')}; got '${task}'`);
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const engine = (options.string('engine') ?? 'tfjs') as Engine;
  if (!ENGINES.includes(engine)) throw new CliError(`--engine must be one of ${ENGINES.join(', ')}; got '${engine}'`);
  const weights = options.strings('weights').map(absolute);
  if (weights.length === 0) throw new CliError('--weights is required');
  if (task !== 'detect' && weights.length > 1) throw new CliError(`${task} takes one --weights file, got ${weights.length}`);
  if (options.strings('box').length) throw new CliError('--box names boxes of one image; over many images use --detector or the whole image');
  const segFormat = options.string('seg-format') ?? 'png';
  if (segFormat !== 'png' && segFormat !== 'npy') throw new CliError(`--seg-format must be png or npy; got '${segFormat}'`);
  const spec: TaskSpec = {
    task: task as BatchTask,
    weights,
    config: configArg(options.string('config')),
    batchNorm: options.string('batch-norm'),
    backend,
    engine,
    intraOpThreads: Math.max(1, Math.floor(availableParallelism() / jobs)),
    ortCache: ortCacheOption(options),
    segFormat,
    overlays: options.flag('overlays'),
  };
  if (task === 'pose') {
    const detector = options.strings('detector').map(absolute);
    if (detector.length) {
      spec.detector = detector;
      spec.detectorConfig = configArg(options.string('detector-config'));
      spec.personClass = options.string('person-class') ?? 'person';
    }
    if (options.flag('no-flip')) spec.flip = false;
  }
  if (task === 'detect') {
    spec.scoreThreshold = number(options, 'score-threshold', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    spec.maxDetections = number(options, 'max-detections', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    spec.classes = options.string('classes')?.split(',').map((c) => (/^\d+$/.test(c.trim()) ? Number(c) : c.trim()));
  }
  if (task === 'segment') spec.segment = segmentOptionsFromFlags(options);
  return JSON.parse(JSON.stringify(spec)) as TaskSpec; // drop undefined fields: one canonical form
}
