import { readFileSync } from 'node:fs';
import { parseModelConfig } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { FasterRCNN } from '../faster-rcnn.js';
import { initDetectorWeights } from './init-weights.js';

function std(v: Float32Array): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}

describe('initDetectorWeights (mmdet 2.x head initialisation)', () => {
  it('gives each head layer mmdet’s distribution and zero biases, leaving the backbone alone', () => {
    const model = new FasterRCNN(parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8')));
    const backboneBefore = [...model.features.backbone.boundEntries()][0];
    const stemWeight = Float32Array.from(backboneBefore.owner.value(backboneBefore.name));
    initDetectorWeights(model, 3);
    expect(backboneBefore.owner.value(backboneBefore.name)).toEqual(stemWeight);
    expect(std(model.rpnHead.rpnConv.value('weight'))).toBeCloseTo(0.01, 3);
    expect(std(model.roiHead.bboxHead.fcCls.value('weight'))).toBeCloseTo(0.01, 3);
    expect(std(model.roiHead.bboxHead.fcReg.value('weight'))).toBeCloseTo(0.001, 4);
    // Xavier uniform on [16, 1568]: U(±√(6 / 1584)), std = bound / √3.
    expect(std(model.roiHead.bboxHead.sharedFcs[0].value('weight'))).toBeCloseTo(Math.sqrt(6 / 1584) / Math.sqrt(3), 3);
    expect(Math.max(...model.roiHead.bboxHead.sharedFcs[0].value('weight').map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 1584));
    expect(Array.from(model.rpnHead.rpnCls.value('bias'))).toEqual([0, 0, 0]);
  });
});
