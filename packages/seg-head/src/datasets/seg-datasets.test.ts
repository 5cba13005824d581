import { getPreset } from '@hrnetjs/core';
import { describe, expect, it } from 'vitest';
import { CITYSCAPES_CLASSES, CITYSCAPES_PALETTE, convertCityscapesLabel } from './cityscapes.js';
import { getPalette } from './palette.js';
import { getSegDataset, SEG_DATASETS } from './seg-datasets.js';
import { SEG_PRESET_IDS, SEG_PRESET_TESTS, getSegPresetTest } from './seg-presets.js';

describe('seg dataset metadata', () => {
  it('get_palette: the VOC bit-interleaved colour map', () => {
    // label 1 → R bit 7, 2 → G bit 7, 3 → R+G, 8 → R bit 6, 9 → R bits 7+6.
    expect(getPalette(10)).toEqual([
      [0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128], [64, 0, 0], [192, 0, 0],
    ]);
    const all = new Set(getPalette(256).map((c) => c.join(',')));
    expect(all.size).toBe(256);
  });

  it('class and palette lengths agree with the class counts', () => {
    expect(Object.values(SEG_DATASETS).map((d) => [d.id, d.classes.length, d.palette.length])).toEqual([
      ['cityscapes', 19, 19],
      ['ade20k', 150, 150],
      ['pascal_ctx', 59, 59],
      ['lip', 20, 20],
      ['cocostuff', 171, 171],
    ]);
    // testval resize / pad rules of each official dataset class (lib/datasets, HRNet-OCR branch).
    expect(Object.values(SEG_DATASETS).map((d) => [d.id, d.testResize])).toEqual([
      ['cityscapes', { kind: 'none' }],
      ['ade20k', { kind: 'short-side', stride: 8, cropPadding: false }],
      ['pascal_ctx', { kind: 'short-side', stride: 8, cropPadding: true }],
      ['lip', { kind: 'crop-size' }],
      ['cocostuff', { kind: 'short-side', stride: 8, cropPadding: true }],
    ]);
    expect(CITYSCAPES_PALETTE[CITYSCAPES_CLASSES.indexOf('road')]).toEqual([128, 64, 128]);
    expect(getSegDataset('LIP').flipPairs).toEqual([[14, 15], [16, 17], [18, 19]]);
    expect(() => getSegDataset('coco')).toThrow(/unknown segmentation dataset 'coco'.*cityscapes, ade20k/);
  });

  it('Cityscapes label ids → train ids (7→0, 33→18, others 255) and back', () => {
    expect(Array.from(convertCityscapesLabel([0, 7, 8, 11, 26, 33, 34, 255]))).toEqual([255, 0, 1, 2, 13, 18, 255, 255]);
    expect(Array.from(convertCityscapesLabel([0, 1, 13, 18], true))).toEqual([7, 8, 26, 33]);
    expect(() => convertCityscapesLabel([256])).toThrow(/0\.\.255, got 256/);
  });

  it('every seg preset of @hrnetjs/core has test settings that agree with it', () => {
    for (const id of SEG_PRESET_IDS) {
      const preset = getPreset(id);
      const test = SEG_PRESET_TESTS[id];
      expect(preset.head.type === 'seg' && preset.head.numClasses, id).toBe(test.numClasses);
      expect(preset.backbone.alignCorners, id).toBe(test.alignCorners);
      expect(SEG_DATASETS[test.dataset].classes.length, id).toBe(test.numClasses);
      // TEST.IMAGE_SIZE [w, h] ↔ cropSize [h, w]
      expect(preset.input.imageSize, id).toEqual([test.cropSize[1], test.cropSize[0]]);
      // The preset's typed test settings (what the pipelines read) equal this table.
      expect(preset.test, id).toEqual({ dataset: test.dataset, baseSize: test.baseSize, cropSize: [test.cropSize[1], test.cropSize[0]], scales: test.scales, flipTest: test.flip });
    }
    expect(getSegPresetTest('SEG_LIP_W48')?.baseSize).toBe(473);
    expect(getSegPresetTest('pose-coco-w32-256x192')).toBeUndefined();
  });
});
