import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, exportStateDict, fit, fromNCHW, parseModelConfig, polyLr, readCheckpoint, setBatchNormMomentum, SGD, trainableVariablesByKey } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { namedDifferences, RecordingOptimizer, type TrainCase, trainCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from '../seg-model.js';
import { crossEntropyLoss, ohemCrossEntropyLoss } from './cross-entropy.js';

// tools/oracle/cases/train_seg (tools/oracle/gen_train.py): two iterations of the official seg
// training (seg_hrnet.py pytorch-v1.1 in train mode, BN_MOMENTUM 0.01; CrossEntropy or
// OhemCrossEntropy with ignore label and class weights; SGD with momentum, weight decay and the
// poly lr), from the same weights and batch.
const LOSS_TOLERANCE = 1e-5; // relative
// × each tensor's std, plus 5× how far float32 rounding alone moves the official result (manifest
// *_float32_noise, official float32 vs its float64 rerun; see tools/oracle/cases/train_pose/README.md).
const TOLERANCE = 1e-4;
const tolerance = (noise: Record<string, number>, key: string) => TOLERANCE + 5 * (noise[key] ?? Infinity);

/** Runs `iterations` official-style iterations of `loss` and returns the losses, first gradients and the state after. */
async function run(c: TrainCase, loss: 'ce' | 'ohem', iterations: number) {
  const m = c.manifest;
  const model = new SegModel(parseModelConfig(new TextDecoder().decode(c.bytes(m.config))));
  expect(model.load(readCheckpoint(c.bytes(m.checkpoint)).stateDict).missing).toEqual([]);
  const x = fromNCHW(await readNpyFile(c.path(m.input.file)));
  const labelData = await readNpyFile(c.path(m.labels.file));
  const labels = tf.tensor3d(Int32Array.from(labelData.values as ArrayLike<number>), labelData.shape as [number, number, number], 'int32');
  const options = { ignoreLabel: m.labels.ignore_label, classWeights: m.class_weights, alignCorners: model.config.backbone.alignCorners };
  // As trainSegmentation: BN momentum 0.01, SGD(lr, momentum, weight decay), poly lr per iteration.
  setBatchNormMomentum(model, m.bn_momentum[0]);
  const optimizer = new RecordingOptimizer(new SGD(m.train.LR, { momentum: m.train.MOMENTUM, weightDecay: m.train.WD, nesterov: m.train.NESTEROV }));
  let keys: Map<string, tf.Variable> | null = null;
  const lrs: number[] = [];
  const losses = await fit({
    model,
    optimizer,
    epochs: iterations,
    learningRate: (epoch) => polyLr(m.train.LR, epoch, m.train.MAX_ITERS, m.train.POWER),
    batches: () => [null],
    loss: () => {
      keys ??= trainableVariablesByKey(model);
      lrs.push(optimizer.learningRate);
      const logits = model.forwardNamed(x).logits as tf.Tensor4D;
      return loss === 'ohem' ? ohemCrossEntropyLoss(logits, labels, { ...options, thresh: m.ohem.thres, minKept: m.ohem.min_kept }) : crossEntropyLoss(logits, labels, options);
    },
  });
  const grads = new Map([...keys!].map(([key, v]) => [key, { shape: v.shape, values: optimizer.grads!.get(v.name)! }]));
  const after = exportStateDict(model);
  optimizer.dispose();
  tf.dispose([x, labels]);
  model.dispose();
  return { losses, lrs, grads, after };
}

describe('trainSegmentation matches the official seg training steps (wasm)', () => {
  it('CrossEntropy with ignore label and class weights: losses, every gradient, and the weights after two SGD steps with the poly lr', async () => {
    await useBackend('wasm');
    await enableTraining();
    const c = trainCase('train_seg');
    const m = c.manifest;
    const before = tf.memory().numTensors;
    const { losses, lrs, grads, after } = await run(c, 'ce', 2);
    expect(lrs[0]).toBe(m.ce.lrs[0]);
    expect(Math.abs(lrs[1] - m.ce.lrs[1])).toBeLessThan(1e-12);
    expect(Math.abs(losses[0] - m.ce.loss) / m.ce.loss).toBeLessThan(LOSS_TOLERANCE);
    expectGrads(grads, readCheckpoint(c.bytes(m.ce.grads)).stateDict, m.ce.grads_float32_noise);
    expect(Math.abs(losses[1] - m.ce.loss_step2) / m.ce.loss_step2).toBeLessThan(LOSS_TOLERANCE);
    const updated = namedDifferences(after, readCheckpoint(c.bytes(m.ce.after)).stateDict);
    expect(Object.keys(updated).some((k) => k.endsWith('running_mean'))).toBe(true);
    for (const [key, rel] of Object.entries(updated)) expect.soft(rel, `after ${key}`).toBeLessThan(tolerance(m.ce.after_float32_noise, key));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('OhemCrossEntropy (threshold set by min_kept): loss and every gradient', async () => {
    await useBackend('wasm');
    await enableTraining();
    const c = trainCase('train_seg');
    const m = c.manifest;
    expect.soft(m.ohem.min_value, "the min_kept branch decides").toBeGreaterThan(m.ohem.thres);
    const { losses, grads } = await run(c, 'ohem', 1);
    expect(Math.abs(losses[0] - m.ohem_run.loss) / m.ohem_run.loss).toBeLessThan(LOSS_TOLERANCE);
    expectGrads(grads, readCheckpoint(c.bytes(m.ohem_run.grads)).stateDict, m.ohem_run.grads_float32_noise);
  });
});

type Named = Parameters<typeof namedDifferences>[0];

function expectGrads(ours: Named, official: Named, noise: Record<string, number>): void {
  const rel = namedDifferences(ours, official);
  expect(Object.keys(rel)).toHaveLength([...official.keys()].length);
  for (const [key, value] of Object.entries(rel)) {
    if (noise[key] > 1) {
      // Zero in exact arithmetic (the bias of a conv followed by train-mode BN): both are rounding.
      const values = ours.get(key)!.values as ArrayLike<number>;
      expect.soft(Math.max(...Array.from(values, Math.abs)), `grad ${key} (zero in exact arithmetic)`).toBeLessThan(1e-6);
    } else {
      expect.soft(value, `grad ${key}`).toBeLessThan(tolerance(noise, key));
    }
  }
}
