import { ConfigError } from './config-error.js';
import { type Dict, describeValue, isDict, readBoolean, readPositiveInt, readSize } from './config-values.js';
import type { TestSettings } from './types.js';

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(`${path} must be a number, got ${describeValue(value)}`, { path });
  return value;
}

function scaleList(value: unknown, path: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new ConfigError(`${path} must be a non-empty list of positive numbers such as [0.75, 1.0, 1.25], got ${describeValue(value)}`, { path });
  }
  return [...value] as number[];
}

/** Drops unset fields, so `{}` means "the source says nothing". */
function compact(settings: TestSettings): TestSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as TestSettings;
}

/** The `TEST` section and `DATASET.DATASET` of an official HRNet yaml (pose / seg / cls), checked. */
export function readOfficialTest(root: Dict): TestSettings {
  const test = isDict(root.TEST) ? root.TEST : {};
  const read = <T>(key: string, fn: (v: unknown, path: string) => T): T | undefined => (test[key] === undefined ? undefined : fn(test[key], `TEST.${key}`));
  const dataset = isDict(root.DATASET) ? root.DATASET.DATASET : undefined;
  if (dataset !== undefined && typeof dataset !== 'string') throw new ConfigError(`DATASET.DATASET must be a string, got ${describeValue(dataset)}`, { path: 'DATASET.DATASET' });
  return compact({
    flipTest: read('FLIP_TEST', readBoolean),
    shiftHeatmap: read('SHIFT_HEATMAP', readBoolean),
    postProcess: read('POST_PROCESS', readBoolean),
    inVisThre: read('IN_VIS_THRE', finite),
    oksThre: read('OKS_THRE', finite),
    imageThre: read('IMAGE_THRE', finite),
    scales: read('SCALE_LIST', scaleList),
    baseSize: read('BASE_SIZE', readPositiveInt),
    cropSize: read('IMAGE_SIZE', readSize),
    dataset: dataset?.toLowerCase(),
  });
}

/**
 * The test pipeline of an mmdet config (`test_pipeline`, or `data.test.pipeline`): `Resize` inside
 * `MultiScaleFlipAug` (img_scale, keep_ratio) and `Pad` (size_divisor). Normalisation is read into
 * `input` by the mmdet parser.
 */
export function readMmdetTest(root: Dict): TestSettings {
  const data = isDict(root.data) && isDict(root.data.test) ? root.data.test.pipeline : undefined;
  const pipeline = root.test_pipeline ?? data;
  if (!Array.isArray(pipeline)) return {};
  const steps: Dict[] = [];
  const walk = (list: unknown[]) => {
    for (const step of list) {
      if (!isDict(step)) continue;
      steps.push(step);
      if (Array.isArray(step.transforms)) walk(step.transforms);
    }
  };
  walk(pipeline);
  const aug = steps.find((s) => s.type === 'MultiScaleFlipAug');
  const resize = steps.find((s) => s.type === 'Resize');
  const pad = steps.find((s) => s.type === 'Pad');
  const scale = aug?.img_scale ?? resize?.img_scale;
  return compact({
    imgScale: scale === undefined ? undefined : readSize(Array.isArray(scale) && Array.isArray(scale[0]) ? scale[0] : scale, 'test_pipeline Resize img_scale'),
    keepRatio: resize?.keep_ratio === undefined ? undefined : readBoolean(resize.keep_ratio, 'test_pipeline Resize keep_ratio'),
    sizeDivisor: pad?.size_divisor === undefined ? undefined : readPositiveInt(pad.size_divisor, 'test_pipeline Pad size_divisor'),
  });
}

/** Our JSON layout's `test` object (the {@link TestSettings} fields), checked. */
export function readTestObject(value: unknown, path = 'test'): TestSettings {
  if (value === undefined) return {};
  if (!isDict(value)) throw new ConfigError(`${path} must be an object of test settings, got ${describeValue(value)}`, { path });
  const get = <T>(key: keyof TestSettings, fn: (v: unknown, p: string) => T): T | undefined => (value[key] === undefined ? undefined : fn(value[key], `${path}.${key}`));
  const str = (v: unknown, p: string) => {
    if (typeof v !== 'string') throw new ConfigError(`${p} must be a string, got ${describeValue(v)}`, { path: p });
    return v;
  };
  return compact({
    flipTest: get('flipTest', readBoolean),
    shiftHeatmap: get('shiftHeatmap', readBoolean),
    postProcess: get('postProcess', readBoolean),
    inVisThre: get('inVisThre', finite),
    oksThre: get('oksThre', finite),
    imageThre: get('imageThre', finite),
    scales: get('scales', scaleList),
    baseSize: get('baseSize', readPositiveInt),
    cropSize: get('cropSize', readSize),
    dataset: get('dataset', str),
    imgScale: get('imgScale', readSize),
    keepRatio: get('keepRatio', readBoolean),
    sizeDivisor: get('sizeDivisor', readPositiveInt),
  });
}
