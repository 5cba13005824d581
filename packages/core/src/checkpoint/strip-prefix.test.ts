import { describe, expect, it } from 'vitest';
import { planPrefixStrip } from './strip-prefix.js';

describe('planPrefixStrip', () => {
  it('strips module. only when every key has it', () => {
    expect(planPrefixStrip(['module.conv1.weight', 'module.bn1.bias'])).toEqual({ prefix: 'module.', ignored: [] });
    expect(planPrefixStrip(['module.conv1.weight', 'bn1.bias'])).toEqual({ prefix: null, ignored: [] });
  });

  it('strips the FullModel model. prefix and ignores loss.* keys', () => {
    expect(planPrefixStrip(['model.conv1.weight', 'loss.criterion.weight'])).toEqual({ prefix: 'model.', ignored: ['loss.criterion.weight'] });
    expect(planPrefixStrip(['module.model.conv1.weight', 'module.loss.criterion.weight'])).toEqual({
      prefix: 'module.model.',
      ignored: ['module.loss.criterion.weight'],
    });
  });

  it('keeps real module names such as backbone. and mixed model. keys', () => {
    expect(planPrefixStrip(['backbone.conv1.weight', 'neck.lateral.weight'])).toEqual({ prefix: null, ignored: [] });
    expect(planPrefixStrip(['model.conv1.weight', 'head.fc.weight'])).toEqual({ prefix: null, ignored: [] });
    expect(planPrefixStrip(['loss.criterion.weight'])).toEqual({ prefix: null, ignored: [] });
    expect(planPrefixStrip([])).toEqual({ prefix: null, ignored: [] });
  });
});
