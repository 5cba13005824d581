import { ConfigError, type ModelConfig, type StateDict, inferModelConfig, parseConfigText, parseModelConfig } from '@hrnetjs/core';

/**
 * The HigherHRNet head (`pose_higher_hrnet.py`): `final_layers[0]` on branch 0 at 1/4 resolution,
 * then per deconv `deconv_layers[i]` (ConvTranspose2d ×2 + BN + ReLU + BasicBlocks) and
 * `final_layers[i+1]`. Final layers with the AE loss output `numJoints + tagDim` channels
 * (heatmaps, then tags), the others `numJoints`.
 */
export interface HigherHeadConfig {
  numJoints: number;
  /** `MODEL.TAG_PER_JOINT`: one tag map per joint (true) or one shared tag map. */
  tagPerJoint: boolean;
  /** `MODEL.EXTRA.FINAL_CONV_KERNEL` (1 or 3). */
  finalConvKernel: number;
  /** `LOSS.WITH_AE_LOSS`, one entry per output (`NUM_DECONVS + 1`). */
  withAeLoss: boolean[];
  /** `LOSS.WITH_HEATMAPS_LOSS`, one entry per output. */
  withHeatmapsLoss: boolean[];
  /** `MODEL.EXTRA.DECONV`. */
  deconv: {
    numDeconvs: number;
    numChannels: number[];
    /** 2, 3 or 4 (the official `_get_deconv_cfg`). */
    kernelSize: number[];
    numBasicBlocks: number;
    /** Concatenate the previous output's maps to the features before deconv i. */
    catOutput: boolean[];
  };
}

/** Official `TEST.*` / `DATASET.*` settings of the bottom-up test (lib/config/default.py defaults). */
export interface HigherTestConfig {
  /** `DATASET.INPUT_SIZE`: the short side at scale 1 (rounded up to /64). */
  inputSize: number;
  /** `TEST.SCALE_FACTOR`. */
  scaleFactor: number[];
  flipTest: boolean;
  project2image: boolean;
  /** `TEST.WITH_HEATMAPS` / `TEST.WITH_AE`: which outputs the test reads. */
  withHeatmaps: boolean[];
  withAe: boolean[];
  nmsKernel: number;
  nmsPadding: number;
  detectionThreshold: number;
  tagThreshold: number;
  useDetectionVal: boolean;
  ignoreTooMuch: boolean;
  adjust: boolean;
  refine: boolean;
  /** `DATASET.MAX_NUM_PEOPLE`: top-k per joint and the most people matched against. */
  maxNumPeople: number;
  /** `DATASET.DATASET` (`coco_kpt`, `crowd_pose_kpt`): picks the flip index. */
  dataset: string;
}

/** A HigherHRNet model: the pose-family backbone (ModelConfig, head = final_layers[0]) + the head. */
export interface HigherHRNetConfig extends ModelConfig {
  higher: HigherHeadConfig;
  test: HigherTestConfig;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function section(root: Dict, key: string): Dict {
  const v = root[key];
  if (v === undefined) return {};
  if (!isDict(v)) throw new ConfigError(`${key} must be a mapping`, { path: key });
  return v;
}

function bool(v: unknown, path: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new ConfigError(`${path} must be true or false, got ${JSON.stringify(v)}`, { path });
}

function num(v: unknown, path: string, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new ConfigError(`${path} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`, { path });
  }
  return v;
}

/** A yaml list, or a yaml string such as `(True, False)` (yacs reads tuples that way). */
function list(v: unknown, _path: string): unknown[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && /^\(.*\)$/.test(v.trim())) {
    return v
      .trim()
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => (s === 'True' ? true : s === 'False' ? false : Number(s)));
  }
  return [v];
}

function boolList(v: unknown, path: string, fallback: boolean[]): boolean[] {
  const items = list(v, path);
  return items ? items.map((x, i) => bool(x, `${path}[${i}]`, false)) : fallback;
}

function numList(v: unknown, path: string, fallback: number[], integer = false): number[] {
  const items = list(v, path);
  return items ? items.map((x, i) => num(x, `${path}[${i}]`, 0, integer)) : fallback;
}

function checkLength(values: unknown[], n: number, path: string, what: string): void {
  if (values.length !== n) {
    throw new ConfigError(`${path} has ${values.length} entries; expected ${n} (${what})`, { path });
  }
}

/** True for an official HigherHRNet yaml (`MODEL.NAME: pose_higher_hrnet` or a `MODEL.EXTRA.DECONV`). */
export function isHigherHRNetYaml(root: unknown): boolean {
  if (!isDict(root) || !isDict(root.MODEL)) return false;
  const model = root.MODEL;
  return model.NAME === 'pose_higher_hrnet' || (isDict(model.EXTRA) && isDict(model.EXTRA.DECONV));
}

/**
 * Official HigherHRNet yaml (HigherHRNet-Human-Pose-Estimation `experiments/…/higher_hrnet/*.yaml`,
 * text or parsed) → {@link HigherHRNetConfig}. Keys the yaml leaves out take the official
 * `lib/config/default.py` values.
 */
export function parseHigherHRNetConfig(input: string | object, options: { name?: string } = {}): HigherHRNetConfig {
  const root = typeof input === 'string' ? parseConfigText(input) : input;
  if (!isDict(root) || !isDict(root.MODEL)) {
    throw new ConfigError('a HigherHRNet config must be an official yaml with a MODEL mapping (experiments/coco/higher_hrnet/*.yaml)');
  }
  const model = root.MODEL;
  const extra = isDict(model.EXTRA) ? model.EXTRA : {};
  const dataset = section(root, 'DATASET');
  const loss = section(root, 'LOSS');
  const test = section(root, 'TEST');
  // The backbone is pose_hrnet's (fixed stem + layer1, last module fused into branch 0 only).
  const base = parseModelConfig({ ...root, MODEL: { ...model, NAME: 'pose_hrnet' } }, { family: 'pose', name: options.name });
  if (base.head.type !== 'pose') throw new ConfigError('internal: the pose parser returned no pose head');
  const numJoints = num(dataset.NUM_JOINTS ?? model.NUM_JOINTS, 'DATASET.NUM_JOINTS', base.head.numJoints, true);
  if (numJoints !== base.head.numJoints) {
    throw new ConfigError(`DATASET.NUM_JOINTS is ${numJoints} but MODEL.NUM_JOINTS is ${base.head.numJoints}; they must agree`);
  }
  if (bool(dataset.WITH_CENTER, 'DATASET.WITH_CENTER', false)) {
    throw new ConfigError('DATASET.WITH_CENTER is true: the center-joint variant is not supported (the released HigherHRNet models do not use it)');
  }
  const d = isDict(extra.DECONV) ? extra.DECONV : {};
  const numDeconvs = num(d.NUM_DECONVS, 'MODEL.EXTRA.DECONV.NUM_DECONVS', 0, true);
  const deconv = {
    numDeconvs,
    numChannels: numList(d.NUM_CHANNELS, 'MODEL.EXTRA.DECONV.NUM_CHANNELS', [], true),
    kernelSize: numList(d.KERNEL_SIZE, 'MODEL.EXTRA.DECONV.KERNEL_SIZE', [], true),
    numBasicBlocks: num(d.NUM_BASIC_BLOCKS, 'MODEL.EXTRA.DECONV.NUM_BASIC_BLOCKS', 0, true),
    catOutput: boolList(d.CAT_OUTPUT, 'MODEL.EXTRA.DECONV.CAT_OUTPUT', []),
  };
  for (const key of ['numChannels', 'kernelSize', 'catOutput'] as const) {
    const yamlKey = { numChannels: 'NUM_CHANNELS', kernelSize: 'KERNEL_SIZE', catOutput: 'CAT_OUTPUT' }[key];
    checkLength(deconv[key], numDeconvs, `MODEL.EXTRA.DECONV.${yamlKey}`, 'one per deconv, NUM_DECONVS');
  }
  deconv.kernelSize.forEach((k, i) => {
    if (k !== 2 && k !== 3 && k !== 4) {
      throw new ConfigError(`MODEL.EXTRA.DECONV.KERNEL_SIZE[${i}] is ${k}; expected 2, 3 or 4 (the official _get_deconv_cfg)`);
    }
  });
  const outputs = numDeconvs + 1;
  const withAeLoss = boolList(loss.WITH_AE_LOSS, 'LOSS.WITH_AE_LOSS', [true]);
  const withHeatmapsLoss = boolList(loss.WITH_HEATMAPS_LOSS, 'LOSS.WITH_HEATMAPS_LOSS', [true]);
  checkLength(withAeLoss, outputs, 'LOSS.WITH_AE_LOSS', 'one per output, NUM_DECONVS + 1');
  checkLength(withHeatmapsLoss, outputs, 'LOSS.WITH_HEATMAPS_LOSS', 'one per output, NUM_DECONVS + 1');
  const withHeatmaps = boolList(test.WITH_HEATMAPS, 'TEST.WITH_HEATMAPS', [true]);
  const withAe = boolList(test.WITH_AE, 'TEST.WITH_AE', [true]);
  checkLength(withHeatmaps, outputs, 'TEST.WITH_HEATMAPS', 'one per output, NUM_DECONVS + 1');
  checkLength(withAe, outputs, 'TEST.WITH_AE', 'one per output, NUM_DECONVS + 1');
  const scaleFactor = numList(test.SCALE_FACTOR, 'TEST.SCALE_FACTOR', [1]);
  return {
    ...base,
    name: options.name ?? (typeof model.NAME === 'string' ? model.NAME : 'pose_higher_hrnet'),
    higher: {
      numJoints,
      tagPerJoint: bool(model.TAG_PER_JOINT, 'MODEL.TAG_PER_JOINT', true),
      finalConvKernel: base.head.finalConvKernel,
      withAeLoss,
      withHeatmapsLoss,
      deconv,
    },
    test: checkTestConfig({
      inputSize: num(dataset.INPUT_SIZE, 'DATASET.INPUT_SIZE', 512, true),
      scaleFactor,
      flipTest: bool(test.FLIP_TEST, 'TEST.FLIP_TEST', false),
      project2image: bool(test.PROJECT2IMAGE, 'TEST.PROJECT2IMAGE', false),
      withHeatmaps,
      withAe,
      nmsKernel: num(test.NMS_KERNEL, 'TEST.NMS_KERNEL', 3, true),
      nmsPadding: num(test.NMS_PADDING, 'TEST.NMS_PADDING', 1, true),
      detectionThreshold: num(test.DETECTION_THRESHOLD, 'TEST.DETECTION_THRESHOLD', 0.2),
      tagThreshold: num(test.TAG_THRESHOLD, 'TEST.TAG_THRESHOLD', 1),
      useDetectionVal: bool(test.USE_DETECTION_VAL, 'TEST.USE_DETECTION_VAL', true),
      ignoreTooMuch: bool(test.IGNORE_TOO_MUCH, 'TEST.IGNORE_TOO_MUCH', false),
      adjust: bool(test.ADJUST, 'TEST.ADJUST', true),
      refine: bool(test.REFINE, 'TEST.REFINE', true),
      maxNumPeople: num(dataset.MAX_NUM_PEOPLE, 'DATASET.MAX_NUM_PEOPLE', 30, true),
      dataset: typeof dataset.DATASET === 'string' ? dataset.DATASET : 'coco_kpt',
    }),
  };
}

/** Rejects test settings the official test cannot run with, saying which key and why. */
export function checkTestConfig(t: HigherTestConfig): HigherTestConfig {
  if (!t.scaleFactor.length || t.scaleFactor.some((s) => !(s > 0))) {
    throw new ConfigError(`TEST.SCALE_FACTOR must be positive numbers, got [${t.scaleFactor.join(', ')}]`);
  }
  if (t.scaleFactor.length > 1 && !t.scaleFactor.includes(1)) {
    throw new ConfigError(`TEST.SCALE_FACTOR [${t.scaleFactor.join(', ')}] has several scales but no 1: the official test takes the tags from scale 1`);
  }
  if (!(t.inputSize > 0)) throw new ConfigError(`DATASET.INPUT_SIZE must be positive, got ${t.inputSize}`);
  if (!(t.maxNumPeople > 0)) throw new ConfigError(`DATASET.MAX_NUM_PEOPLE must be positive, got ${t.maxNumPeople}`);
  if (t.nmsKernel < 1 || t.nmsPadding < 0 || t.nmsPadding * 2 !== t.nmsKernel - 1) {
    throw new ConfigError(`TEST.NMS_KERNEL ${t.nmsKernel} / NMS_PADDING ${t.nmsPadding}: expected an odd kernel with padding (kernel − 1) / 2 (same-size max pooling)`);
  }
  return t;
}

/** True when a state dict has HigherHRNet's head (`final_layers.0.weight`, `deconv_layers.*`). */
export function isHigherHRNetStateDict(stateDict: StateDict): boolean {
  return stateDict.has('final_layers.0.weight');
}

/** The official test settings of the released COCO models (experiments/coco/higher_hrnet/*.yaml). */
export function releasedTestConfig(inputSize: number): HigherTestConfig {
  return {
    inputSize,
    scaleFactor: [1],
    flipTest: true,
    project2image: true,
    withHeatmaps: [true, true],
    withAe: [true, false],
    nmsKernel: 5,
    nmsPadding: 2,
    detectionThreshold: 0.1,
    tagThreshold: 1,
    useDetectionVal: true,
    ignoreTooMuch: false,
    adjust: true,
    refine: true,
    maxNumPeople: 30,
    dataset: 'coco_kpt',
  };
}

/**
 * The HigherHRNet architecture of a checkpoint, read from its keys and shapes (backbone as
 * core's `inferModelConfig`; joints, tag maps, deconvs and CAT_OUTPUT from the head). The input size
 * cannot be read from weights: 512 for W32, 640 otherwise (the released models), unless given; the
 * other test settings are those of the released yamls.
 */
export function inferHigherHRNetConfig(stateDict: StateDict, inputSize?: number): HigherHRNetConfig {
  const shape = (key: string) => stateDict.get(key)?.shape;
  const first = shape('final_layers.0.weight');
  if (first?.length !== 4) throw new ConfigError('not a HigherHRNet checkpoint: no final_layers.0.weight');
  let outputs = 0;
  while (shape(`final_layers.${outputs}.weight`)) outputs++;
  const channels = Array.from({ length: outputs }, (_, i) => shape(`final_layers.${i}.weight`)![0]);
  // Outputs with tags have more channels than those without. When all have the same count, every
  // output has tags (the official default WITH_AE_LOSS): 2J with a tag map per joint, else J + 1.
  const smallest = Math.min(...channels);
  const allSame = channels.every((n) => n === smallest);
  const J = allSame ? (smallest % 2 === 0 ? smallest / 2 : smallest - 1) : smallest;
  const tagged = channels.map((n) => n > J);
  const tagDims = new Set(channels.filter((n) => n > J).map((n) => n - J));
  if (tagDims.size !== 1 || !(tagDims.has(J) || tagDims.has(1))) {
    throw new ConfigError(
      `cannot read the joints and tag maps from final_layers (${channels.join(', ')} channels); pass the official yaml (--config)`,
    );
  }
  const tagPerJoint = tagDims.has(J) && J !== 1;
  // The backbone reader wants a pose head key: final_layers.0 stands in for final_layer.
  const view = new Map(stateDict);
  view.set('final_layer.weight', { ...stateDict.get('final_layers.0.weight')!, shape: [J, first[1], first[2], first[3]] });
  const base = inferModelConfig(view as StateDict, 'pose');
  const numChannels: number[] = [];
  const kernelSize: number[] = [];
  const catOutput: boolean[] = [];
  let prev = first[1];
  for (let i = 0; i < outputs - 1; i++) {
    const w = shape(`deconv_layers.${i}.0.0.weight`);
    if (!w) throw new ConfigError(`final_layers.${i + 1} has no deconv_layers.${i}.0.0.weight before it`);
    catOutput.push(w[0] !== prev);
    numChannels.push(w[1]);
    kernelSize.push(w[2]);
    prev = w[1];
  }
  let numBasicBlocks = 0;
  while (outputs > 1 && stateDict.has(`deconv_layers.0.${numBasicBlocks + 1}.0.conv1.weight`)) numBasicBlocks++;
  const width = base.backbone.stages[0].numChannels[0];
  return {
    ...base,
    name: `inferred-higher-hrnet-w${width}`,
    head: { type: 'pose', numJoints: J, finalConvKernel: first[2] },
    higher: {
      numJoints: J,
      tagPerJoint,
      finalConvKernel: first[2],
      withAeLoss: tagged,
      withHeatmapsLoss: tagged.map(() => true),
      deconv: { numDeconvs: outputs - 1, numChannels, kernelSize, numBasicBlocks, catOutput },
    },
    test: {
      ...releasedTestConfig(inputSize ?? (width === 32 ? 512 : 640)),
      withHeatmaps: tagged.map(() => true),
      withAe: tagged,
      dataset: J === 14 ? 'crowd_pose_kpt' : 'coco_kpt',
    },
  };
}
