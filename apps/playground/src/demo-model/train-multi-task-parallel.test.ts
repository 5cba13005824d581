import * as tf from '@tensorflow/tfjs-core';
import { Adam, exportStateDict, type StateDict } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { MMDET_TRAIN_PIPELINE } from '@hrnetjs/detection-head';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoMultiTask } from './demo-models.js';
import { trainMultiTask, type TrainMultiTaskOptions } from './train-multi-task.js';
import { decodeTrainingState, encodeTrainingState } from './training-state.js';

const SIZE = 64;
const scene = { width: SIZE, height: SIZE, maxPeople: 2, maxObjects: 2, minPersonHeight: 24 };
const pipeline = { ...MMDET_TRAIN_PIPELINE, imgScale: [SIZE, SIZE] as [number, number], flipRatio: 0.5, sizeDivisor: 32 };
const recipe = (epochs: number): TrainMultiTaskOptions => ({ epochs, scenesPerEpoch: 4, seedBase: 100, scene, pipeline, batchSize: 4, learningRate: 1e-3, warmupIters: 2, workers: 2 });

function maxDiff(a: StateDict, b: StateDict): number {
  let worst = 0;
  for (const [key, t] of a) {
    const u = b.get(key)!.values;
    if (!(t.values instanceof Float32Array)) continue;
    for (let i = 0; i < t.values.length; i++) worst = Math.max(worst, Math.abs(t.values[i] - (u[i] as number)));
  }
  return worst;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('data-parallel multi-task training (2 worker threads)', () => {
  it('a 2-worker run stopped after epoch 1 and resumed from its checkpoint equals the uninterrupted 2-worker run', async () => {
    const initial = exportStateDict(createDemoMultiTask(undefined, 9));
    const before = tf.memory().numTensors;
    const straight = createDemoMultiTask(initial);
    const losses: number[] = [];
    const history = await trainMultiTask(straight, { ...recipe(2), onProgress: (p) => losses.push(p.losses.lossSeg) });
    const want = exportStateDict(straight);
    expect(history.every(Number.isFinite)).toBe(true);
    // The loss terms are the workers' (shard-weighted) terms: an untrained seg head is near ln(5).
    expect(losses[0]).toBeGreaterThan(0.5);

    const first = createDemoMultiTask(initial);
    const optimizer = new Adam(1e-3);
    let saved: Uint8Array | undefined;
    await trainMultiTask(first, { ...recipe(1), optimizer, onEpochEnd: () => void (saved = encodeTrainingState(first, optimizer, { epochsDone: 1 })) });
    optimizer.dispose();
    const state = decodeTrainingState(saved!);
    const resumed = createDemoMultiTask(state.weights);
    const resumedOptimizer = new Adam(1e-3);
    resumed.setTraining(true);
    resumedOptimizer.importState(resumed.trainableVariables(), state.optimizer);
    await trainMultiTask(resumed, { ...recipe(2), startEpoch: 1, optimizer: resumedOptimizer });
    resumedOptimizer.dispose();
    expect(maxDiff(exportStateDict(resumed), want)).toBe(0);
    expect(maxDiff(want, initial)).toBeGreaterThan(1e-4);
    [straight, first, resumed].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
