import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useBackend } from '@hrnetjs/core/node';
import { accumulateConfusion, createConfusionMatrix, segMetrics } from '@hrnetjs/seg-head';
import { describe, expect, it } from 'vitest';
import { iterateDataset } from '../synthetic/index.js';
import { DEMO_SCENE, DEMO_SEG_CLASSES, EVAL_SEED_BASE } from './demo-config.js';
import { DEMO_WEIGHT_FILES, loadDemoModels } from './demo-models.js';
import { evaluateDemo } from './evaluate-demo.js';
import { defaultWeightsDir } from './paths.js';

const SCENES = 12;
// The run is deterministic (wasm, seeded scenes): the shipped weights score box AP 0.4906, keypoint AP
// 0.3625, keypoint AP on gt boxes 0.4184, mIoU 0.5577, background IoU 0.9410 on these 12 scenes
// (100 scenes, `pnpm eval:demo`: 0.43, 0.36, 0.54 mIoU). Each floor is 0.02 below its score, so a
// regression of a few percent fails; retraining the demo weights means re-reading these numbers.
const MARGIN = 0.02;
const FLOORS = { boxAp: 0.4906, keypointAp: 0.3625, keypointApGtBoxes: 0.4184, mIoU: 0.5577, background: 0.941 };

describe('the shipped demo weights have learned (held-out scenes, our own evaluators)', () => {
  it(`box AP, keypoint AP, mIoU and background IoU on ${SCENES} held-out scenes stay within ${MARGIN} of the shipped score`, async () => {
    await useBackend('wasm');
    const dir = defaultWeightsDir();
    const models = loadDemoModels({ multiTask: await readFile(join(dir, DEMO_WEIGHT_FILES.multiTask)), pose: await readFile(join(dir, DEMO_WEIGHT_FILES.pose)) });
    const q = await evaluateDemo(models, SCENES, EVAL_SEED_BASE);
    expect(q.images).toBe(SCENES);
    expect(q.boxAp).toBeGreaterThan(FLOORS.boxAp - MARGIN);
    expect(q.keypointAp).toBeGreaterThan(FLOORS.keypointAp - MARGIN);
    expect(q.keypointApGtBoxes).toBeGreaterThan(FLOORS.keypointApGtBoxes - MARGIN);
    expect(q.mIoU).toBeGreaterThan(FLOORS.mIoU - MARGIN);
    expect(q.classIoU.background).toBeGreaterThan(FLOORS.background - MARGIN);
  });

  it('an all-background map fails the background floor on the same scenes', () => {
    const confusion = createConfusionMatrix(DEMO_SEG_CLASSES.length);
    for (const entry of iterateDataset(SCENES, EVAL_SEED_BASE, { ...DEMO_SCENE, segmentation: false })) {
      accumulateConfusion(confusion, entry.scene.semanticMask, new Int32Array(entry.scene.semanticMask.length));
    }
    const { iou, meanIoU } = segMetrics(confusion);
    // Background IoU of an all-background map is the background share of the pixels (≈ 0.88 here).
    expect(iou[0]).toBeGreaterThan(0.5);
    expect(iou[0]).toBeLessThan(FLOORS.background - MARGIN);
    expect(meanIoU).toBeLessThan(FLOORS.mIoU - MARGIN);
  });
});
