import * as tf from '@tensorflow/tfjs-core';
import { Adam, exportStateDict, type StateDict } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { MMDET_TRAIN_PIPELINE, parseFasterRcnnTrainConfig } from '@hrnetjs/detection-head';
import { collateSamples, detectorForwardTrain } from '@hrnetjs/detection-head/ops';
import { crossEntropyLoss } from '@hrnetjs/seg-head/ops';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateScene } from '../synthetic/index.js';
import { MULTI_TASK_MODEL_DICT } from './demo-config.js';
import { createDemoMultiTask } from './demo-models.js';
import { multiTaskSample } from './scene-targets.js';
import { trainMultiTask, type TrainMultiTaskOptions } from './train-multi-task.js';
import { decodeTrainingState, encodeTrainingState } from './training-state.js';

// Small scenes keep these tests quick; the recipe is the demo's otherwise.
const SIZE = 64;
const scene = { width: SIZE, height: SIZE, maxPeople: 2, maxObjects: 2, minPersonHeight: 24 };
const pipeline = { ...MMDET_TRAIN_PIPELINE, imgScale: [SIZE, SIZE] as [number, number], flipRatio: 0.5, sizeDivisor: 32 };
const recipe = (epochs: number): TrainMultiTaskOptions => ({ epochs, scenesPerEpoch: 4, seedBase: 100, scene, pipeline, batchSize: 2, learningRate: 1e-3, warmupIters: 2 });

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

describe('multi-task training losses', () => {
  it('equal the detector losses (same sampling seed) plus the seg cross-entropy of the same pass', async () => {
    const model = createDemoMultiTask(undefined, 3);
    const samples = [0, 1].map((i) => multiTaskSample(generateScene(40 + i, scene), { ...pipeline, flipRatio: 0 }, 4, () => 0.5));
    const { data, shape } = collateSamples(samples);
    const x = tf.tensor4d(data, shape);
    const labels = tf.tensor3d(Int32Array.from([...samples[0].labels, ...samples[1].labels]), [2, shape[1], shape[2]], 'int32');
    const trainCfg = parseFasterRcnnTrainConfig(MULTI_TASK_MODEL_DICT.train_cfg);
    const ours = model.trainLosses(x, samples, labels, { trainCfg, random: createRandom(5), segWeight: 0.5 });
    const det = detectorForwardTrain(model.detector, x, samples, trainCfg, createRandom(5));
    const logits = model.forwardNamed(x).logits as tf.Tensor4D;
    const seg = crossEntropyLoss(logits, labels, { ignoreLabel: 255 });
    const v = (t: tf.Scalar) => t.dataSync()[0];
    expect(v(ours.lossRpnCls)).toBeCloseTo(v(det.lossRpnCls), 6);
    expect(v(ours.lossRpnBbox)).toBeCloseTo(v(det.lossRpnBbox), 6);
    expect(v(ours.lossCls)).toBeCloseTo(v(det.lossCls), 6);
    expect(v(ours.lossBbox)).toBeCloseTo(v(det.lossBbox), 6);
    expect(v(ours.lossSeg)).toBeCloseTo(v(seg), 6);
    expect(v(ours.lossSeg)).toBeGreaterThan(0.5); // untrained: near ln(5)
    expect(v(ours.total)).toBeCloseTo(v(det.total) + 0.5 * v(seg), 5);
    tf.dispose([x, labels, logits, seg, ...Object.values(ours), ...Object.values(det)]);
    model.dispose();
  });
});

describe('resumable multi-task training', () => {
  it('stopping after epoch 1, saving, and resuming gives the weights of an uninterrupted run, leaking no tensor', async () => {
    const initial = exportStateDict(createDemoMultiTask(undefined, 9));
    const before = tf.memory().numTensors;

    const straight = createDemoMultiTask(initial);
    const history = await trainMultiTask(straight, { ...recipe(3), optimizer: undefined });
    const want = exportStateDict(straight);

    const first = createDemoMultiTask(initial);
    const optimizer = new Adam(1e-3);
    let saved: Uint8Array | undefined;
    await trainMultiTask(first, { ...recipe(1), optimizer, onEpochEnd: () => void (saved = encodeTrainingState(first, optimizer, { epochsDone: 1 })) });
    optimizer.dispose();
    const state = decodeTrainingState(saved!);
    expect(state.epochsDone).toBe(1);
    expect(state.optimizer.steps).toBe(2);
    // Adam keeps two slots (m, v) per parameter.
    expect(state.optimizer.slots.size).toBe(2 * [...first.boundEntries()].filter((e) => e.kind === 'parameter').length);

    const resumed = createDemoMultiTask(state.weights);
    const resumedOptimizer = new Adam(1e-3);
    resumed.setTraining(true);
    resumedOptimizer.importState(resumed.trainableVariables(), state.optimizer);
    await trainMultiTask(resumed, { ...recipe(3), startEpoch: 1, optimizer: resumedOptimizer });
    resumedOptimizer.dispose();
    expect(maxDiff(exportStateDict(resumed), want)).toBeLessThan(1e-5);

    expect(history.length).toBe(3);
    expect(history.every(Number.isFinite)).toBe(true);
    [straight, first, resumed].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
