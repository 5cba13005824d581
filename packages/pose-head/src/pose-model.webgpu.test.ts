import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { boxFromXywh, fromNCHW, onnxRunner, type OnnxSession, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { describeWebGpu, difference, fixturePath, logDifferences, oracleCase, oracleDifferences, profiledSessions } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';
import { TopDownPoseEstimator } from './top-down-estimator.js';

// onnxruntime-node's WebGPU provider on a software Vulkan driver (Mesa 25 lavapipe from
// scripts/setup.sh): the same oracle checks and tolerances as pose-model.onnx.test.ts on ORT CPU.
// One profiled session per network, shared by the tests; the last test checks from the profiles that
// the WebGPU provider ran every node computing float tensors.
const TOLERANCE = 1e-4;
const STAGE_OUTPUTS = ['stem', 'layer1', 'stage2_out_0', 'stage2_out_1', 'stage3_out_0', 'stage3_out_1', 'stage3_out_2', 'stage4_out_0'];
const gpu = profiledSessions((bytes, profileFilePrefix) => createOrtSession(bytes, { executionProvider: 'webgpu', profileFilePrefix }));

async function poseTiny(): Promise<PoseModel> {
  const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
  model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
  return model;
}

describeWebGpu('PoseModel on onnxruntime-node WebGPU (software Vulkan)', () => {
  let model: PoseModel;
  let session: OnnxSession;
  beforeAll(async () => {
    await useBackend('wasm');
    model = await poseTiny();
    // With the intermediates: the stage checks read them, the pipeline asks for `heatmaps` only.
    session = await gpu.get('pose_tiny', () => model.toOnnx({ intermediates: true }));
  });
  afterAll(async () => {
    await gpu.cleanup();
    model?.dispose();
  });

  it('pose_tiny (fixtures/pose): stem, layer1, every stage output and the heatmaps within 1e-4 of std', async () => {
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
    const outputs = await onnxRunner(session)(x);
    const rel: Record<string, number> = {};
    for (const name of [...STAGE_OUTPUTS, 'heatmaps']) {
      const expected = await readNpyFile(fixturePath('pose', `${name}.npy`));
      // Intermediates were captured for batch item 0 only.
      const item = name === 'heatmaps' ? outputs[name] : tf.slice(outputs[name], 0, 1);
      const actual = await toNCHW(item);
      expect(actual.shape, name).toEqual(expected.shape);
      rel[name] = difference(actual.values as Float32Array, expected.values as Float32Array).relToStd;
      if (item !== outputs[name]) item.dispose();
    }
    logDifferences('webgpu pose_tiny', rel);
    for (const [name, value] of Object.entries(rel)) expect.soft(value, name).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
  });

  it('pose_tiny2 (tools/oracle case): every stage output and the heatmaps', async () => {
    const c = oracleCase('pose_tiny2');
    const other = new PoseModel(parseModelConfig(c.configText));
    other.load((await readCheckpointFile(`${c.dir}/${c.manifest.checkpoint}`)).stateDict);
    const run = onnxRunner(await gpu.get('pose_tiny2', () => other.toOnnx({ intermediates: true })));
    other.dispose();
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await run(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    logDifferences('webgpu pose_tiny2', rel);
    expect(Object.keys(rel)).toContain('heatmaps');
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
  });

  it.each([
    [true, 'preds', 'maxvals'],
    [false, 'preds_noflip', 'maxvals_noflip'],
  ] as const)('top-down pipeline on image.png with flipTest=%s reproduces the official %s / %s within 0.5 px', async (flipTest, predsName, maxName) => {
    const [x0, y0, width, height] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];
    const image = await readImageFile(fixturePath('pose', 'image.png'));
    const estimator = new TopDownPoseEstimator(model, { network: onnxRunner(session, ['heatmaps']) });
    const before = tf.memory().numTensors;
    const [pose] = await estimator.estimatePoses(image, { boxes: [boxFromXywh([x0, y0, width, height])], flipTest });
    expect(tf.memory().numTensors).toBe(before);
    const preds = (await readNpyFile(fixturePath('pose', `${predsName}.npy`))).values as Float32Array;
    const maxvals = (await readNpyFile(fixturePath('pose', `${maxName}.npy`))).values as Float32Array;
    const px = Math.max(...pose.keypoints.flatMap((k, j) => [Math.abs(k.x - preds[2 * j]), Math.abs(k.y - preds[2 * j + 1])]));
    const score = Math.max(...pose.keypoints.map((k, j) => Math.abs(k.score - maxvals[j])));
    logDifferences(`webgpu pose pipeline flipTest=${flipTest}`, { px, score });
    expect(px).toBeLessThan(0.5);
    expect(score).toBeLessThan(1e-3);
  });

  it('the WebGPU provider ran every node computing float tensors (session profiles; only int64 shape arithmetic on the CPU)', async () => {
    const placement = await gpu.placement();
    expect(Object.keys(placement).sort()).toEqual(['pose_tiny', 'pose_tiny2']);
    for (const [key, p] of Object.entries(placement)) {
      expect(p.onProvider, key).toBeGreaterThan(0);
      expect(p.fallbacks, key).toEqual([]);
    }
  });
});

describe('onnxruntime-node execution providers this install lacks', () => {
  it('asking for a provider this install cannot start fails with a clear error', async () => {
    const model = await poseTiny();
    await expect(createOrtSession(model.toOnnx(), { executionProvider: 'cuda' })).rejects.toThrow(
      /onnxruntime-node could not start the 'cuda' execution provider: .*CUDA 12.*Backends of this install: cpu, webgpu, cuda \(not installed\)/s,
    );
    model.dispose();
  });
});
