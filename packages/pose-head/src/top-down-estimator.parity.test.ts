import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { boxFromXywh, boxToXywh, fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { xywh2cs } from './center-scale.js';
import { cropPerson, normalizationTable, normalizeCrops } from './crop.js';
import { COCO_DATASET } from './datasets.js';
import { inferHeatmaps } from './flip-test.js';
import { getFinalPreds } from './inference.js';
import { PoseModel } from './pose-model.js';
import { createPoseEstimator, type Pose } from './top-down-estimator.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const [BX, BY, BW, BH] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];
const BOX = { x: BX, y: BY, width: BW, height: BH };
/** The same box as the task API takes it (corners; x2 − x1 gives BW back). */
const CORNERS = boxFromXywh([BX, BY, BW, BH]);

async function npy(name: string): Promise<Float32Array> {
  return (await readNpyFile(fixturePath('pose', `${name}.npy`))).values as Float32Array;
}

/** Max |Δ| of keypoints against the official [1, J, 2] preds, and of scores against maxvals. */
function compare(pose: Pose, preds: Float32Array, maxvals: Float32Array): { px: number; score: number } {
  let px = 0;
  let score = 0;
  pose.keypoints.forEach((k, j) => {
    px = Math.max(px, Math.abs(k.x - preds[j * 2]), Math.abs(k.y - preds[j * 2 + 1]));
    score = Math.max(score, Math.abs(k.score - maxvals[j]));
  });
  return { px, score };
}

describe('the crop of the official COCODataset (image.png + box.json)', () => {
  it('equals crop_input.npy: every pixel identical before and after normalisation', async () => {
    const image = await readImageFile(fixturePath('pose', 'image.png'));
    const crop = cropPerson(image, xywh2cs(BOX, 192 / 256), [192, 256]);
    const expected = await npy('crop_input');
    const plane = 192 * 256;
    let greyDiff = 0;
    let differing = 0;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const d = Math.abs(crop.data[i * 3 + c] - Math.round((expected[c * plane + i] * STD[c] + MEAN[c]) * 255));
        greyDiff = Math.max(greyDiff, d);
        if (d) differing++;
      }
    }
    expect(greyDiff).toBeLessThanOrEqual(1);
    expect(differing).toBe(0);
    // Normalised NHWC vs the official NCHW tensor: within one grey level per channel (measured: 0).
    const normalised = normalizeCrops([crop], normalizationTable(MEAN, STD));
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const d = Math.abs(normalised[i * 3 + c] - expected[c * plane + i]);
        expect(d).toBeLessThanOrEqual(1 / (255 * STD[c]) + 1e-6);
        worst = Math.max(worst, d);
      }
    }
    expect(worst).toBe(0);
  });
});

/** pose_tiny with its weights, run once so the folded BatchNorm weights it keeps already exist. */
async function loadTiny(backend: 'wasm' | 'cpu'): Promise<PoseModel> {
  await useBackend(backend);
  const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
  model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
  tf.dispose(model.predict(tf.zeros([1, 64, 64, 3])));
  return model;
}

describe.each(['wasm', 'cpu'] as const)('pose_tiny heatmap parity on %s', (backend) => {
  let model: PoseModel;
  beforeAll(async () => {
    model = await loadTiny(backend);
    return () => model.dispose();
  });

  it.each([
    [false, 'heatmaps_noflip', 'preds_noflip', 'maxvals_noflip'],
    [true, 'heatmaps_flip_avg', 'preds', 'maxvals'],
  ] as const)('flipTest=%s on crop_input.npy: %s within 1e-4 of std, %s within 1e-3 px', async (flipTest, hmName, predsName, maxName) => {
    const before = tf.memory().numTensors;
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'crop_input.npy')));
    const heatmaps = inferHeatmaps(model, x, { flipTest, shiftHeatmap: true, flipPairs: COCO_DATASET.flipPairs });
    const nchw = await toNCHW(heatmaps);
    tf.dispose([x, heatmaps]);
    expect(tf.memory().numTensors).toBe(before);

    const expected = await npy(hmName);
    expect(nchw.shape).toEqual([1, 17, 64, 48]);
    expect(difference(nchw.values as Float32Array, expected).relToStd).toBeLessThan(1e-4);

    const { coords, maxvals } = getFinalPreds(
      { data: nchw.values as Float32Array, shape: [1, 17, 64, 48] },
      [xywh2cs(BOX, 0.75)],
    );
    expect(difference(coords, await npy(predsName)).maxAbs).toBeLessThan(1e-3);
    expect(difference(maxvals, await npy(maxName)).relToStd).toBeLessThan(1e-4);
  });

});

describe('pose_tiny end-to-end pipeline parity (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it.each([
    [true, 'preds', 'maxvals'],
    [false, 'preds_noflip', 'maxvals_noflip'],
  ] as const)('estimatePoses(image.png, box.json, flipTest=%s) reproduces %s / %s end to end', async (flipTest, predsName, maxName) => {
    // Through the task API: checkpoint path + official yaml (as JSON) path + image path.
    const before = tf.memory().numTensors;
    const estimator = await createPoseEstimator({ weights: fixturePath('pose', 'pose_tiny.pth'), config: fixturePath('pose', 'pose_tiny_config.json') });
    expect(estimator.model.config.name).toMatch(/pose_tiny_config\.json$/);
    const [pose, ...rest] = await estimator.estimatePoses(fixturePath('pose', 'image.png'), { boxes: [CORNERS], flipTest });
    estimator.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(rest).toHaveLength(0);
    expect(pose.keypoints.map((k) => k.name)).toEqual(COCO_DATASET.keypoints);
    expect(pose.box).toEqual(CORNERS);
    expect(boxToXywh(pose.box)).toEqual([BX, BY, BW, BH]);
    expect(pose.center).toEqual([275, 230]);
    expect(pose.scale).toEqual([1.40625, 1.875]);
    const { px, score } = compare(pose, await npy(predsName), await npy(maxName));
    expect(px).toBeLessThan(1e-3);
    expect(score).toBeLessThan(1e-3);
  });
});
