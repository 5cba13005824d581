import * as tf from '@tensorflow/tfjs-core';
import { exportStateDict, getPreset, parseModelConfig } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { OcrSegModel } from '../ocr/ocr-seg-model.js';
import { balancedSegLoss, defaultBalanceWeights } from './balanced-loss.js';
import { crossEntropyLoss, ohemCrossEntropyLoss } from './cross-entropy.js';
import { trainSegmentation } from './train-segmentation.js';

const OCR_CONFIG = {
  MODEL: {
    NAME: 'seg_hrnet_ocr',
    NUM_OUTPUTS: 2,
    OCR: { MID_CHANNELS: 8, KEY_CHANNELS: 4 },
    EXTRA: {
      FINAL_CONV_KERNEL: 1,
      STAGE1: { NUM_MODULES: 1, NUM_BRANCHES: 1, BLOCK: 'BOTTLENECK', NUM_BLOCKS: [1], NUM_CHANNELS: [4], FUSE_METHOD: 'SUM' },
      STAGE2: { NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1], NUM_CHANNELS: [4, 4], FUSE_METHOD: 'SUM' },
      STAGE3: { NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [4, 4, 4], FUSE_METHOD: 'SUM' },
      STAGE4: { NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [4, 4, 4, 4], FUSE_METHOD: 'SUM' },
    },
  },
  DATASET: { NUM_CLASSES: 3 },
  LOSS: { BALANCE_WEIGHTS: [0.25, 1] },
};

describe('LOSS.BALANCE_WEIGHTS: the official aux + main losses of HRNet-OCR', () => {
  it('cross entropy: Σ wᵢ·CE(outputᵢ); OHEM: per-pixel CE of aux averaged over all pixels + OHEM of main', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const aux = tf.tensor4d([2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 1, 1], [1, 2, 2, 3]);
    const main = tf.tensor4d([0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], [1, 2, 2, 3]);
    const labels = tf.tensor3d([0, 1, 255, 2], [1, 2, 2], 'int32');
    const value = (t: tf.Scalar) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    };
    const ce = (t: tf.Tensor4D) => value(crossEntropyLoss(t, labels));
    const plain = value(balancedSegLoss([aux, main], labels, [0.4, 1]));
    expect(plain).toBeCloseTo(0.4 * ce(aux) + ce(main), 6);
    // By hand: −log p(label) = logsumexp(logits) − logit(label) for pixels 0, 1, 3; pixel 2 is ignored (0).
    const lse = (v: number[]) => Math.log(v.reduce((a, x) => a + Math.exp(x), 0));
    const auxPixel = [lse([2, 0, 0]) - 2, lse([0, 1, 0]) - 1, 0, lse([1, 1, 1]) - 1];
    const ohem = value(balancedSegLoss([aux, main], labels, [0.4, 1], { ohem: { thresh: 0.9, minKept: 1 } }));
    const mainOhem = value(ohemCrossEntropyLoss(main, labels, { thresh: 0.9, minKept: 1 }));
    expect(ohem).toBeCloseTo((0.4 * auxPixel.reduce((a, b) => a + b, 0)) / 4 + mainOhem, 6);
    expect(() => balancedSegLoss([aux, main], labels, [1])).toThrow(/1 weight\(s\) but the model has 2 output\(s\).*\[0\.4, 1\]/);
    tf.dispose([aux, main, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('weights come from the yaml, else [0.4, 1] for OCR and [1] for HRNetV2', () => {
    expect(defaultBalanceWeights(parseModelConfig(OCR_CONFIG))).toEqual([0.25, 1]);
    expect(defaultBalanceWeights(getPreset('seg-ocr-ade20k-w48'))).toEqual([0.4, 1]);
    expect(defaultBalanceWeights(getPreset('seg-ade20k-w48'))).toEqual([1]);
  });

  it('trainSegmentation trains an OcrSegModel: both heads learn, the loss is finite, no tensor leaks', async () => {
    await useBackend('wasm');
    const model = new OcrSegModel(parseModelConfig(OCR_CONFIG));
    const before = tf.memory().numTensors;
    const initial = exportStateDict(model);
    const size = 32;
    const data = [0, 1].map((k) => {
      const labels = Int32Array.from({ length: size * size }, (_, p) => ((p % size) + k * 5 < size / 2 ? 0 : (p / size) % 3 < 1 ? 1 : 2));
      const rgb = new Uint8Array(size * size * 3);
      labels.forEach((l, p) => rgb.set([l * 100, 50, 200 - l * 80], p * 3));
      return { image: { width: size, height: size, data: rgb }, labels };
    });
    const history = await trainSegmentation(model, data, { epochs: 2, batchSize: 2, baseSize: size, cropSize: [size, size], scaleFactor: 2, seed: 1 });
    expect(history.every(Number.isFinite)).toBe(true);
    const trained = exportStateDict(model);
    for (const key of ['aux_head.3.weight', 'cls_head.weight', 'ocr_distri_head.object_context_block.f_object.0.weight', 'conv3x3_ocr.0.weight']) {
      const a = initial.get(key)?.values as Float32Array;
      const b = trained.get(key)?.values as Float32Array;
      expect(a.some((v, i) => v !== b[i]), key).toBe(true);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
