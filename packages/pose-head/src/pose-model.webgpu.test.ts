import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, onnxRunner, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';

// onnxruntime-node's WebGPU provider on a software Vulkan driver: Mesa 25 lavapipe, which
// scripts/setup.sh extracts into .cache/lavapipe (Debian 12's own Mesa 22 is too old for Dawn).
// Slow (shader compilation: tens of seconds on 2 cores), so one fixture network only.
const icd = process.env.VK_ICD_FILENAMES ?? join(repoRoot(), '.cache', 'lavapipe', 'lvp_icd.json');
const haveDriver = existsSync(icd);

describe('PoseModel on onnxruntime-node WebGPU (software Vulkan)', () => {
  it.skipIf(!haveDriver)(`pose_tiny heatmaps equal the official ones within 1e-4 of std${haveDriver ? '' : ' — SKIPPED: no lavapipe ICD (run scripts/setup.sh)'}`, async () => {
    process.env.VK_ICD_FILENAMES = icd;
    process.env.XDG_RUNTIME_DIR ??= tmpdir();
    await useBackend('wasm');
    const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
    model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
    const session = await createOrtSession(model.toOnnx(), { executionProvider: 'webgpu' });
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
    const { heatmaps } = await onnxRunner(session)(x);
    const actual = await toNCHW(heatmaps as tf.Tensor4D);
    const expected = await readNpyFile(fixturePath('pose', 'heatmaps.npy'));
    expect(actual.shape).toEqual(expected.shape);
    expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd).toBeLessThan(1e-4);
    tf.dispose([x, heatmaps]);
    await session.release();
    model.dispose();
  }, 300_000);

  it('asking for a provider this install cannot start fails with a clear error', async () => {
    const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
    await expect(createOrtSession(model.toOnnx(), { executionProvider: 'cuda' })).rejects.toThrow(
      /onnxruntime-node could not start the 'cuda' execution provider: .*CUDA 12.*Backends of this install: cpu, webgpu, cuda \(not installed\)/s,
    );
  });
});
