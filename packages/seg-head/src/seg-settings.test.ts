import { readFileSync } from 'node:fs';
import { getPreset, parseModelConfig } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { resolveSegSettings } from './seg-settings.js';

const tinyJson = () => JSON.parse(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8'));

describe('resolveSegSettings', () => {
  it('reads TEST.* of the official yaml layout ([w, h] → crop [h, w]) and DATASET.DATASET', () => {
    const json = { ...tinyJson(), TEST: { BASE_SIZE: 512, IMAGE_SIZE: [288, 224], SCALE_LIST: [0.75, 1.0, 1.25], FLIP_TEST: true } };
    const s = resolveSegSettings(parseModelConfig(JSON.stringify(json)));
    expect([s.baseSize, s.cropSize, s.scales, s.flip, s.alignCorners, s.multiScaleMode]).toEqual([512, [224, 288], [0.75, 1, 1.25], true, false, 'cityscapes']);
    expect(s.classes[0]).toBe('road');
    const lip = { ...tinyJson(), DATASET: { DATASET: 'lip', NUM_CLASSES: 20 }, MODEL: { ...tinyJson().MODEL, ALIGN_CORNERS: true } };
    const l = resolveSegSettings(parseModelConfig(JSON.stringify(lip)));
    expect([l.classes.length, l.flipPairs.length, l.multiScaleMode, l.alignCorners]).toEqual([20, 3, 'base', true]);
  });

  it('missing TEST keys take the official defaults; options override; presets use their yaml', () => {
    const s = resolveSegSettings(parseModelConfig(JSON.stringify(tinyJson())), { flip: true, scales: [0.5, 2] });
    expect([s.baseSize, s.cropSize, s.scales, s.flip]).toEqual([2048, [1024, 2048], [0.5, 2], true]);
    const ade = resolveSegSettings(getPreset('seg-ade20k-w48'));
    expect([ade.baseSize, ade.cropSize, ade.alignCorners, ade.multiScaleMode, ade.classes[149]]).toEqual([520, [520, 520], true, 'base', 'flag']);
  });

  it('an unknown dataset or a class-count mismatch falls back to numbered classes and get_palette', () => {
    const json = { ...tinyJson(), DATASET: { DATASET: 'mapillary', NUM_CLASSES: 19 } };
    const s = resolveSegSettings(parseModelConfig(JSON.stringify(json)));
    expect([s.dataset, s.classes[3], s.palette[1], s.multiScaleMode, s.testResize]).toEqual([null, 'class 3', [128, 0, 0], 'base', { kind: 'none' }]);
    // A known dataset with another class count keeps the dataset's test resize, not its names.
    const coco = { ...tinyJson(), DATASET: { DATASET: 'cocostuff', NUM_CLASSES: 19 } };
    const c = resolveSegSettings(parseModelConfig(JSON.stringify(coco)));
    expect([c.dataset?.id, c.classes[3], c.testResize]).toEqual(['cocostuff', 'class 3', { kind: 'short-side', stride: 8, cropPadding: true }]);
    expect(() => resolveSegSettings(parseModelConfig(JSON.stringify(coco)), { testResize: { kind: 'short-side', stride: 0, cropPadding: true } })).toThrow(
      /testResize must be .*short-side', stride: positive integer/,
    );
  });

  it('bad settings fail with what was expected', () => {
    const cfg = parseModelConfig(JSON.stringify(tinyJson()));
    expect(() => resolveSegSettings(cfg, { scales: [] })).toThrow(/scales must be a non-empty list of positive numbers/);
    expect(() => resolveSegSettings(cfg, { cropSize: [0, 10] })).toThrow(/cropSize\[0\] must be a positive integer/);
    expect(() => resolveSegSettings(cfg, { classes: ['a'] })).toThrow(/1 names but the model has 19 classes/);
    const bad = { ...tinyJson(), TEST: { SCALE_LIST: [1, -0.5] } };
    expect(() => resolveSegSettings(parseModelConfig(JSON.stringify(bad)))).toThrow(/TEST.SCALE_LIST must be a non-empty list of positive numbers/);
    const flip = { ...tinyJson(), TEST: { FLIP_TEST: 'yes' } };
    expect(() => resolveSegSettings(parseModelConfig(JSON.stringify(flip)))).toThrow(/TEST.FLIP_TEST must be true or false, got 'yes' \(a string\)/);
    expect(() => resolveSegSettings(getPreset('cls-w18'))).toThrow(/needs a seg model config, got a 'cls' head/);
  });
});
