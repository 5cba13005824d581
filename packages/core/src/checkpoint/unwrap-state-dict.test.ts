import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors.js';
import { StorageRef, TensorRef } from './pickle-values.js';
import { unwrapStateDict } from './unwrap-state-dict.js';

const tensor = () => new TensorRef(new StorageRef('data/0', 'float32', 1, false), 0, [1], [1]);
const dict = (entries: [unknown, unknown][]) => new Map<unknown, unknown>(entries);

describe('unwrapStateDict', () => {
  it('takes a dict of tensors as is', () => {
    const w = tensor();
    expect(unwrapStateDict(dict([['w', w]]))).toEqual({ wrapper: 'none', entries: [['w', w]], extras: [] });
  });

  it.each<[string, [string, unknown][], string]>([
    ['state_dict', [['epoch', 3]], 'state_dict'],
    ['model', [['optimizer', null]], 'model'],
    ['state_dict_ema', [], 'state_dict_ema'],
    ['state_dict', [['meta', dict([])]], 'meta+state_dict'],
  ])('finds the weights under %s', (key, others, wrapper) => {
    const w = tensor();
    const result = unwrapStateDict(dict([[key, dict([['w', w]])], ...others]));
    expect(result.wrapper).toBe(wrapper);
    expect(result.entries).toEqual([['w', w]]);
    expect(result.extras).toEqual(others);
  });

  it('prefers state_dict over state_dict_ema', () => {
    const a = tensor();
    const result = unwrapStateDict(dict([['state_dict_ema', dict([['b', tensor()]])], ['state_dict', dict([['a', a]])]]));
    expect(result.entries).toEqual([['a', a]]);
    expect(result.extras.map(([k]) => k)).toEqual(['state_dict_ema']);
  });

  it('says why there is no state dict', () => {
    const inner = () => unwrapStateDict(dict([['state_dict', dict([['w', tensor()], ['bad', 1.5]])]]));
    expect(inner).toThrow(CheckpointError);
    expect(inner).toThrow("'state_dict' entry 'bad' (float) is not a tensor");
    expect(() => unwrapStateDict([tensor()])).toThrow('top-level object (tuple/list) is not a dict of tensors');
    expect(() => unwrapStateDict(dict([[3, tensor()]]))).toThrow('has a key of type int');
  });
});
