import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackboneConfig, StageConfig } from '../config/types.js';
import { HRNetBackbone } from './hrnet-backbone.js';

const stage = (branches: number, channels: number[], modules = 1, block: StageConfig['block'] = 'BASIC'): StageConfig => ({
  numModules: modules,
  numBranches: branches,
  block,
  numBlocks: Array(branches).fill(1),
  numChannels: channels,
  fuseMethod: 'SUM',
});

const tiny = (overrides: Partial<BackboneConfig> = {}): BackboneConfig => ({
  stage1: { ...stage(1, [8]), block: 'BOTTLENECK' },
  stages: [stage(2, [4, 8]), stage(3, [4, 8, 16]), stage(4, [4, 8, 16, 32], 2)],
  upsample: 'bilinear',
  alignCorners: false,
  multiScaleOutput: true,
  batchNorm: 'standard',
  ...overrides,
});

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('HRNetBackbone', () => {
  it('keeps PyTorch sizes on odd inputs with bilinear fusion: ceil(h/2) per stride-2 conv', () => {
    const backbone = new HRNetBackbone(tiny());
    const named: Record<string, tf.Tensor4D> = {};
    const outputs = tf.tidy(() => backbone.forward(tf.ones([1, 97, 131, 3]), named));
    expect(outputs.map((t) => t.shape)).toEqual([
      [1, 25, 33, 4],
      [1, 13, 17, 8],
      [1, 7, 9, 16],
      [1, 4, 5, 32],
    ]);
    expect(Object.keys(named)).toEqual([
      'stem', 'layer1', 'stage2_out_0', 'stage2_out_1', 'stage3_out_0', 'stage3_out_1', 'stage3_out_2',
      'stage4_out_0', 'stage4_out_1', 'stage4_out_2', 'stage4_out_3',
    ]);
    tf.dispose(outputs);
    backbone.dispose();
  });

  it('single-scale last module (pose) returns branch 0 only; BOTTLENECK branches widen ×4', () => {
    const config = tiny({ multiScaleOutput: false, upsample: 'nearest', stages: [stage(2, [4, 8], 1, 'BOTTLENECK'), stage(3, [4, 8, 16]), stage(4, [4, 8, 16, 32])] });
    const backbone = new HRNetBackbone(config);
    expect(backbone.outChannels).toEqual([4]);
    const keys = backbone.stateDictSpec().map((e) => e.key);
    expect(keys).toContain('stage2.0.branches.1.0.conv3.weight');
    expect(keys).toContain('transition2.2.0.0.weight');
    expect(keys.some((k) => k.startsWith('stage4.0.fuse_layers.1.'))).toBe(false);
    const [out] = tf.tidy(() => backbone.forward(tf.ones([2, 64, 32, 3])));
    expect(out.shape).toEqual([2, 16, 8, 4]);
    tf.dispose(out);
    backbone.dispose();
  });

  it('nearest fusion on a size that does not halve evenly fails with a message that says why', () => {
    const backbone = new HRNetBackbone(tiny({ upsample: 'nearest' }));
    expect(() => tf.tidy(() => backbone.forward(tf.ones([1, 100, 64, 3])))).toThrow(/multiples of 32/);
    expect(() => tf.tidy(() => backbone.forward(tf.ones([1, 64, 64, 1]) as tf.Tensor4D))).toThrow(/NHWC with 3 channels/);
    backbone.dispose();
  });

  it('does not leak tensors over 100 forward passes', async () => {
    const backbone = new HRNetBackbone(tiny());
    const x = tf.randomNormal([1, 64, 64, 3]) as tf.Tensor4D;
    tf.dispose(tf.tidy(() => backbone.forward(x))); // folds and caches the weights once
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const outputs = tf.tidy(() => backbone.forward(x));
      await outputs[0].data();
      tf.dispose(outputs);
    }
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();
    x.dispose();
  });
});
