import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backends.js';
import { readCheckpoint } from '../checkpoint/read-checkpoint.js';
import { encodeSafetensors } from '../checkpoint/safetensors-writer.js';
import type { ModelConfig, StageConfig } from '../config/types.js';
import { BackboneModel } from '../model/backbone-model.js';
import { exportStateDict } from '../model/export-state-dict.js';
import { enableTraining } from './enable-training.js';
import { fit } from './fit.js';
import { Adam } from './optimizers.js';

const stage = (n: number, channels: number[]): StageConfig => ({
  numModules: 1, numBranches: n, block: 'BASIC', numBlocks: Array(n).fill(1), numChannels: channels, fuseMethod: 'SUM',
});

const config: ModelConfig = {
  name: 'tiny-train',
  family: 'seg',
  input: {},
  head: { type: 'seg', numClasses: 2, finalConvKernel: 1 },
  backbone: {
    stage1: { ...stage(1, [4]), block: 'BOTTLENECK' },
    stages: [stage(2, [4, 8]), stage(3, [4, 8, 8]), stage(4, [4, 8, 8, 8])],
    upsample: 'bilinear',
    alignCorners: false,
    multiScaleOutput: true,
    batchNorm: 'standard',
  },
};

beforeAll(async () => {
  await enableTraining();
  await useBackend('wasm');
});

describe('training on wasm (our conv filter gradient)', () => {
  it('fits a tiny backbone: loss falls ≥ 3×, BN running stats move, trained weights survive save → load', async () => {
    const model = new BackboneModel(config);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    const target = tf.randomUniform([2, 8, 8, 4], 0, 1, 'float32', 12);
    const runningBefore = Float32Array.from(model.backbone.bn1.value('running_mean'));
    const tensorsBefore = tf.memory().numTensors;
    const stepTensors: number[] = [];
    const optimizer = new Adam(0.02);
    const history = await fit({
      model,
      optimizer,
      epochs: 40,
      batches: () => [{ x, target }],
      loss: (b) => tf.mean(tf.square(tf.sub(model.forwardNamed(b.x).backbone_out_0, b.target))) as tf.Scalar,
      onProgress: () => stepTensors.push(tf.memory().numTensors),
    });
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(3);
    // Steady state: a step leaves exactly as many tensors as the one before (optimizer slots exist after step 1).
    expect(stepTensors.at(-1)).toBe(stepTensors[1]);
    expect(Array.from(model.backbone.bn1.value('running_mean'))).not.toEqual(Array.from(runningBefore));

    // Inference (folded BN, running stats) on the trained model, then through a safetensors file.
    const firstOutput = async (m: BackboneModel) => {
      const outputs = m.forwardNamed(x);
      const values = await outputs.backbone_out_0.data();
      tf.dispose(Object.values(outputs));
      return values;
    };
    const trained = await firstOutput(model);
    const reloaded = new BackboneModel(config);
    reloaded.load(readCheckpoint(encodeSafetensors(exportStateDict(model))).stateDict);
    const again = await firstOutput(reloaded);
    again.forEach((v, i) => expect(v).toBeCloseTo(trained[i], 5));

    optimizer.dispose();
    model.dispose();
    reloaded.dispose();
    tf.dispose([x, target]);
    expect(tf.memory().numTensors).toBe(tensorsBefore - 2);
  });
});
