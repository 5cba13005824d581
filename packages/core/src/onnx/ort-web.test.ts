import * as tf from '@tensorflow/tfjs-core';
import { difference } from '@hrnetjs/test-utils';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig, StageConfig } from '../config/types.js';
import { BackboneModel } from '../model/backbone-model.js';
import { randomizeWeights } from '../nn/randomize-weights.js';
import { useBackend } from '../node.js';
import { onnxRunner } from './engine.js';
import { createOrtWebSession, type OrtWebSession } from './ort-web.js';

// onnxruntime-web's own Node build (the same wasm kernels as in a browser): the adapter's contract
// without a browser. The page test (apps/playground/web) runs it in Chromium with threads and WebGPU.
const stage = (branches: number, channels: number[]): StageConfig => ({
  numModules: 1,
  numBranches: branches,
  block: 'BASIC',
  numBlocks: Array(branches).fill(1),
  numChannels: channels,
  fuseMethod: 'SUM',
});
const config = {
  name: 'tiny',
  family: 'seg',
  backbone: {
    stage1: { ...stage(1, [8]), block: 'BOTTLENECK' },
    stages: [stage(2, [4, 8]), stage(3, [4, 8, 16])],
    upsample: 'bilinear',
    alignCorners: false,
    multiScaleOutput: true,
    batchNorm: 'standard',
  },
  head: { type: 'none' },
} as unknown as ModelConfig;

let model: BackboneModel;
const sessions: OrtWebSession[] = [];

beforeAll(async () => {
  await useBackend('wasm');
  model = new BackboneModel(config);
  randomizeWeights(model, 3);
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
  model.dispose();
});

describe('createOrtWebSession (onnxruntime-web, wasm, in Node)', () => {
  it('runs toOnnx() on the wasm provider: every output equals our TF.js forward within 1e-4 of std', async () => {
    const session = await createOrtWebSession(ort, model.toOnnx(), { numThreads: 1 });
    sessions.push(session);
    expect([session.executionProvider, session.numThreads]).toEqual(['wasm', 1]);
    expect(session.inputNames).toEqual(['input']);
    const x = tf.randomNormal([2, 45, 61, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const ours = model.forwardNamed(x);
    const onnx = await onnxRunner(session)(x);
    expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
    for (const [name, t] of Object.entries(ours)) {
      expect(onnx[name].shape, name).toEqual(t.shape);
      expect(difference(await onnx[name].data(), await t.data()).relToStd, name).toBeLessThan(1e-4);
    }
    tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
  });

  it('the thread count is fixed by the first session: the same number is fine, another one is an error', async () => {
    const again = await createOrtWebSession(ort, model.toOnnx(), { numThreads: 1 });
    sessions.push(again);
    expect(again.numThreads).toBe(1);
    await expect(createOrtWebSession(ort, model.toOnnx(), { numThreads: 2 })).rejects.toThrow(
      /already runs with 1 WebAssembly thread\(s\); the thread count is fixed when its runtime starts \(the first session\), so 2 cannot take effect now/,
    );
    await expect(createOrtWebSession(ort, model.toOnnx(), { numThreads: 0 })).rejects.toThrow(/numThreads must be a positive integer, got 0/);
  });

  it('webgpu without navigator.gpu, an unknown provider and a broken graph give clear errors', async () => {
    await expect(createOrtWebSession(ort, model.toOnnx(), { executionProvider: 'webgpu' })).rejects.toThrow(
      /onnxruntime-web cannot start the 'webgpu' execution provider: this browser has no WebGPU \(navigator\.gpu is missing\); use 'wasm'/,
    );
    await expect(createOrtWebSession(ort, model.toOnnx(), { executionProvider: 'cuda' as 'wasm' })).rejects.toThrow(/unknown onnxruntime-web execution provider 'cuda'; expected wasm or webgpu/);
    await expect(createOrtWebSession(ort, model.toOnnx().subarray(0, 100))).rejects.toThrow(/onnxruntime-web could not start the 'wasm' execution provider: .+/);
  });
});
