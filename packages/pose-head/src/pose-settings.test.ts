import { readFileSync } from 'node:fs';
import { parseModelConfig, resolveModelConfig } from '@hrnetjs/core';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { COCO_DATASET, MPII_DATASET } from './datasets.js';
import { poseSettingsFromConfig } from './pose-settings.js';

const tiny = () => JSON.parse(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8'));

describe('poseSettingsFromConfig', () => {
  it('takes the COCO 256×192 defaults when the config has no IMAGE_SIZE or TEST keys', () => {
    const s = poseSettingsFromConfig(parseModelConfig(tiny()));
    expect(s).toMatchObject({ inputSize: [192, 256], flipTest: true, shiftHeatmap: true, postProcess: true, inVisThre: 0.2, oksThre: 0.9, imageThre: 0 });
    expect(s.mean).toEqual([0.485, 0.456, 0.406]);
    expect(s.dataset).toBe(COCO_DATASET);
  });

  it('reads MODEL.IMAGE_SIZE and the official TEST.* keys; 16 joints → MPII', () => {
    const raw = tiny();
    raw.MODEL.IMAGE_SIZE = [256, 256];
    raw.MODEL.NUM_JOINTS = 16;
    raw.TEST = { FLIP_TEST: false, SHIFT_HEATMAP: false, POST_PROCESS: true, IN_VIS_THRE: 0.3, OKS_THRE: 0.5, IMAGE_THRE: 0.1 };
    const s = poseSettingsFromConfig(parseModelConfig(raw));
    expect(s).toMatchObject({ inputSize: [256, 256], flipTest: false, shiftHeatmap: false, postProcess: true, inVisThre: 0.3, oksThre: 0.5, imageThre: 0.1 });
    expect(s.dataset).toBe(MPII_DATASET);
    expect(poseSettingsFromConfig(resolveModelConfig('pose-coco-w48-384x288')).inputSize).toEqual([288, 384]);
  });

  it('rejects wrong TEST values, sizes that are not multiples of 32 and non-pose configs', () => {
    const raw = tiny();
    raw.TEST = { FLIP_TEST: 'yes' };
    expect(() => poseSettingsFromConfig(parseModelConfig(raw))).toThrow(/TEST.FLIP_TEST must be true or false, got 'yes' \(a string\)/);
    const odd = tiny();
    odd.MODEL.IMAGE_SIZE = [190, 256];
    expect(() => poseSettingsFromConfig(parseModelConfig(odd))).toThrow(/multiples of 32.*\[190, 256\]/);
    expect(() => poseSettingsFromConfig(resolveModelConfig('cls-w18'))).toThrow(/needs a pose model config, got a 'cls' head/);
  });
});
