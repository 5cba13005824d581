import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { boxFromXywh, fromNCHW, getPreset, onnxRunner, type OnnxSession, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COCO_DATASET } from './datasets.js';
import { PoseModel } from './pose-model.js';
import { TopDownPoseEstimator } from './top-down-estimator.js';

// The same bar as the TF.js parity tests: 1e-4 of each tensor's std.
const TOLERANCE = 1e-4;
const STAGE_OUTPUTS = ['stem', 'layer1', 'stage2_out_0', 'stage2_out_1', 'stage3_out_0', 'stage3_out_1', 'stage3_out_2', 'stage4_out_0'];
const sessions: OnnxSession[] = [];

async function onnxOf(model: PoseModel, intermediates = false) {
  const session = await createOrtSession(model.toOnnx({ intermediates }), { intraOpNumThreads: 1 });
  sessions.push(session);
  return onnxRunner(session);
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('PoseModel exported to ONNX, on onnxruntime-node CPU', () => {
  it('pose_tiny (fixtures/pose, official pose_hrnet.py): stem, layer1, every stage output and the heatmaps', async () => {
    const config = parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8'));
    const model = new PoseModel(config);
    model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
    const x = fromNCHW(await readNpyFile(fixturePath('pose', 'input.npy')));
    const outputs = await (await onnxOf(model, true))(x);
    for (const name of [...STAGE_OUTPUTS, 'heatmaps']) {
      const expected = await readNpyFile(fixturePath('pose', `${name}.npy`));
      // Intermediates were captured for batch item 0 only.
      const item = name === 'heatmaps' ? outputs[name] : tf.slice(outputs[name], 0, 1);
      const actual = await toNCHW(item);
      expect(actual.shape, name).toEqual(expected.shape);
      expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd, name).toBeLessThan(TOLERANCE);
      if (item !== outputs[name]) item.dispose();
    }
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it('pose_tiny2 (tools/oracle case): every stage output and the heatmaps', async () => {
    const c = oracleCase('pose_tiny2');
    const model = new PoseModel(parseModelConfig(c.configText));
    model.load((await readCheckpointFile(`${c.dir}/${c.manifest.checkpoint}`)).stateDict);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await (await onnxOf(model, true))(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel)).toContain('heatmaps');
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it('a case outside the fixtures: W18-width MPII-style 16 joints, 3×3 final conv, random weights, batch 3 of 128×96 vs our TF.js forward', async () => {
    const preset = getPreset('pose-coco-w32-256x192');
    const config = structuredClone(preset);
    config.backbone.stages = config.backbone.stages.map((s) => ({ ...s, numModules: 1, numChannels: s.numChannels.map((c) => (c * 18) / 32) }));
    config.head = { ...config.head, numJoints: 16, finalConvKernel: 3 } as typeof config.head;
    const model = new PoseModel(config);
    randomizeWeights(model, 11);
    const x = tf.randomNormal([3, 128, 96, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ours = model.predict(x);
    const onnx = await (await onnxOf(model))(x);
    expect(onnx.heatmaps.shape).toEqual([3, 32, 24, 16]);
    expect(difference(await onnx.heatmaps.data(), await ours.data()).relToStd).toBeLessThan(TOLERANCE);
    tf.dispose([x, ours, ...Object.values(onnx)]);
    model.dispose();
  });

  it.each([
    [true, 'preds', 'maxvals'],
    [false, 'preds_noflip', 'maxvals_noflip'],
  ] as const)('top-down pipeline on image.png with flipTest=%s reproduces the official %s / %s (within 0.5 px; measured ≤ 1e-3)', async (flipTest, predsName, maxName) => {
    const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
    model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
    const [x0, y0, width, height] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];
    const image = await readImageFile(fixturePath('pose', 'image.png'));
    const run = await onnxOf(model);
    const estimator = new TopDownPoseEstimator(model, { network: run });
    const before = tf.memory().numTensors;
    const [pose] = await estimator.estimatePoses(image, { boxes: [boxFromXywh([x0, y0, width, height])], flipTest });
    expect(tf.memory().numTensors).toBe(before);
    const preds = (await readNpyFile(fixturePath('pose', `${predsName}.npy`))).values as Float32Array;
    const maxvals = (await readNpyFile(fixturePath('pose', `${maxName}.npy`))).values as Float32Array;
    expect(pose.keypoints.map((k) => k.name)).toEqual(COCO_DATASET.keypoints);
    const px = Math.max(...pose.keypoints.flatMap((k, j) => [Math.abs(k.x - preds[2 * j]), Math.abs(k.y - preds[2 * j + 1])]));
    const score = Math.max(...pose.keypoints.map((k, j) => Math.abs(k.score - maxvals[j])));
    expect(px).toBeLessThan(1e-3);
    expect(score).toBeLessThan(1e-3);
    model.dispose();
  });

  it('all person crops of an image (and their mirrored copies) go through ONE engine call; same poses as TF.js', async () => {
    const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
    model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
    const image = await readImageFile(fixturePath('pose', 'image.png'));
    const run = await onnxOf(model);
    const batches: number[] = [];
    const counting = (x: tf.Tensor4D) => {
      batches.push(x.shape[0]);
      return run(x);
    };
    const boxes = [0, 1, 2, 3, 4].map((i) => boxFromXywh([20 + 40 * i, 10 + 15 * i, 120 + 10 * i, 200 - 12 * i]));
    const onnxPoses = await new TopDownPoseEstimator(model, { network: counting }).estimatePoses(image, { boxes, flipTest: true });
    expect(batches).toEqual([10]);
    const tfjsPoses = await new TopDownPoseEstimator(model).estimatePoses(image, { boxes, flipTest: true });
    expect(onnxPoses).toHaveLength(5);
    onnxPoses.forEach((p, i) =>
      p.keypoints.forEach((k, j) => {
        expect(Math.abs(k.x - tfjsPoses[i].keypoints[j].x)).toBeLessThan(0.5);
        expect(Math.abs(k.y - tfjsPoses[i].keypoints[j].y)).toBeLessThan(0.5);
      }),
    );
    model.dispose();
  });
});
