import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, parseModelConfig, readCheckpoint, SGD } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaskRCNN } from '../mask-rcnn.js';
import { detectorForwardTrain, type DetectorTrainTarget } from './detector-loss.js';
import { freezeBatchNormStats } from './norm-eval.js';
import { defaultFasterRcnnTrainConfig } from './train-config.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

// A disc and a square on a 64×64 canvas, with their boxes.
function sample(): DetectorTrainTarget {
  const disc = new Uint8Array(64 * 64);
  const square = new Uint8Array(64 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      if ((x - 20) ** 2 + (y - 22) ** 2 < 144) disc[y * 64 + x] = 1;
      if (x >= 36 && x < 58 && y >= 30 && y < 52) square[y * 64 + x] = 1;
    }
  }
  return {
    meta: { imgShape: [64, 64], padShape: [64, 64] },
    gtBboxes: Float32Array.from([8, 10, 32, 34, 36, 30, 58, 52]),
    gtLabels: Int32Array.from([3, 5]),
    gtMasks: { height: 64, width: 64, masks: [disc, square] },
  };
}

describe('Mask R-CNN forward_train: loss_mask on the sampled positives', () => {
  it('adds loss_mask to the total, trains the mask head through RoIAlign, and a few SGD steps lower it', async () => {
    const c = oracleCase('mmdet_mask_rcnn');
    const model = new MaskRCNN(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const restore = freezeBatchNormStats(model.features.backbone);
    model.setTraining(true);
    const x = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const cfg = defaultFasterRcnnTrainConfig();
    let seed = 1;
    const random = () => ((seed = (seed * 9301 + 49297) % 233280) / 233280);
    const vars = model.trainableVariables();
    const optimizer = new SGD(0.02, { momentum: 0.9 });
    const history: number[] = [];
    for (let step = 0; step < 6; step++) {
      const { value, grads } = tf.variableGrads(() => {
        const losses = detectorForwardTrain(model, x, [sample()], cfg, random);
        history.push(losses.lossMask!.dataSync()[0]);
        const parts = losses.lossRpnCls.dataSync()[0] + losses.lossRpnBbox.dataSync()[0] + losses.lossCls.dataSync()[0] + losses.lossBbox.dataSync()[0];
        expect(losses.total.dataSync()[0]).toBeCloseTo(parts + history.at(-1)!, 4);
        return losses.lossMask!;
      }, vars);
      if (step === 0) {
        const nonZero = Object.entries(grads).filter(([, g]) => tf.max(tf.abs(g)).dataSync()[0] > 0).length;
        expect(nonZero).toBeGreaterThan(10); // mask head + neck + backbone
      }
      optimizer.step(grads, vars);
      tf.dispose([value, ...Object.values(grads)]);
    }
    console.log(`[loss_mask] ${history.map((v) => v.toFixed(4)).join(' → ')}`);
    expect(history.every(Number.isFinite)).toBe(true);
    expect(history.at(-1)!).toBeLessThan(history[0] * 0.8);
    const noMasks = { ...sample(), gtMasks: undefined };
    expect(() => tf.tidy(() => detectorForwardTrain(model, x, [noMasks], cfg, random).total)).toThrow(/sample 0 has no gtMasks/);
    x.dispose();
    optimizer.dispose();
    model.setTraining(false);
    restore();
    model.dispose();
  });
});
