import { describe, expect, it } from 'vitest';
import { getPreset } from '../config/index.js';
import type { StateDict, TensorData } from '../tensor/tensor-data.js';
import { BackboneModel } from './backbone-model.js';
import { ClsModel } from './cls-model.js';
import { compareStateDict, loadStateDict } from './load-state-dict.js';
import { StateDictError } from './state-dict-error.js';
import type { TaskModel } from './task-model.js';

/** A state dict with every entry of `model`, filled with a recognisable value per key. */
function stateDictOf(model: TaskModel): StateDict {
  const sd: StateDict = new Map();
  model.stateDictSpec().forEach((e, i) => {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const tensor: TensorData =
      e.kind === 'counter'
        ? { dtype: 'int64', shape: e.shape, values: new BigInt64Array(n) }
        : { dtype: 'float32', shape: e.shape, values: new Float32Array(n).fill(i) };
    sd.set(e.key, tensor);
  });
  return sd;
}

describe('loadStateDict', () => {
  const small = getPreset('cls-w18-small-v1');

  it('loads a matching checkpoint strictly, values included', () => {
    const model = new ClsModel(small);
    const report = model.load(stateDictOf(new ClsModel(small)));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.loaded).toHaveLength(model.stateDictSpec().length);
    const index = model.stateDictSpec().findIndex((e) => e.key === 'classifier.bias');
    expect(model.head.classifier.value('bias')[0]).toBe(index);
  });

  it('strict: a checkpoint of another variant lists missing, unexpected and mis-shaped keys and loads nothing', () => {
    const model = new ClsModel(getPreset('cls-w18-small-v2'));
    let error: unknown;
    try {
      model.load(stateDictOf(new ClsModel(small)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const { report, message } = error as StateDictError;
    expect(message).toMatch(/^Error\(s\) in loading state_dict for cls-w18-small-v2:/);
    expect(message).toContain('Missing key(s) in checkpoint');
    expect(message).toContain('Size mismatch');
    // v1 has 32-plane layer1 (→128 ch), v2 64 planes (→256 ch).
    expect(report.mismatched).toContainEqual({ key: 'layer1.0.conv1.weight', checkpoint: [32, 64, 1, 1], model: [64, 64, 1, 1] });
    expect(report.missing).toContain('layer1.1.conv1.weight');
    expect(model.backbone.conv1.hasValue('weight')).toBe(false);
  });

  it('non-strict: an ImageNet checkpoint seeds a bare backbone and reports the head it skipped', () => {
    const cls = stateDictOf(new ClsModel(small));
    const backbone = new BackboneModel({ ...small, family: 'cls' });
    expect(() => backbone.load(cls)).toThrow(/Unexpected key\(s\) in checkpoint \(\d+\): "incre_modules\.0\.0\.conv1\.weight"/);
    const report = backbone.load(cls, { strict: false });
    expect(report.missing).toEqual([]);
    expect(report.unexpected.every((k) => /^(incre_modules|downsamp_modules|final_layer|classifier)\./.test(k))).toBe(true);
    expect(report.loaded.length + report.unexpected.length).toBe(cls.size);
    expect(backbone.backbone.conv1.hasValue('weight')).toBe(true);
  });

  it('num_batches_tracked is optional (InPlaceABN and pre-0.4.1 checkpoints have none)', () => {
    const sd = stateDictOf(new ClsModel(small));
    for (const key of [...sd.keys()]) if (key.endsWith('num_batches_tracked')) sd.delete(key);
    expect(compareStateDict(new ClsModel(small), sd).missing).toEqual([]);
  });

  it('hints at a family / prefix mix-up when no key matches', () => {
    const sd = stateDictOf(new ClsModel(small));
    const prefixed: StateDict = new Map([...sd].map(([k, v]) => [`backbone.${k}`, v]));
    expect(() => loadStateDict(new ClsModel(small), prefixed, { modelName: 'cls' })).toThrow(/Hint: .*backbone\.conv1\.weight.*another family/);
  });
});
