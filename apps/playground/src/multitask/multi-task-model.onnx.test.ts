import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { onnxRunner, type OnnxSession } from '@hrnetjs/core';
import { createOrtSession, readImageFile, useBackend } from '@hrnetjs/core/node';
import { preprocessForDetection } from '@hrnetjs/detection-head';
import { difference, matchedFraction, withScores } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SAMPLES, DEMO_WEIGHT_FILES, type DemoModels, loadDemoModels, runDemo } from '../demo-model/index.js';
import { defaultWeightsDir, samplesDir } from '../demo-model/paths.js';

// The shared-backbone model as one ONNX graph (logits + neck + RPN convs) plus the RoI bbox head,
// on onnxruntime-node CPU: the same results as TF.js on the demo weights. The web page runs the
// same graphs on onnxruntime-web (web/playground-onnx.browser.test.ts).
const oneThread = (bytes: Uint8Array) => createOrtSession(bytes, { intraOpNumThreads: 1 });
let models: DemoModels;
let poseSession: OnnxSession;

beforeAll(async () => {
  await useBackend('wasm');
  const dir = defaultWeightsDir();
  models = loadDemoModels({ multiTask: await readFile(join(dir, DEMO_WEIGHT_FILES.multiTask)), pose: await readFile(join(dir, DEMO_WEIGHT_FILES.pose)) });
  poseSession = await oneThread(models.pose.toOnnx());
});
afterAll(async () => {
  await models.multiTask.releaseOnnx();
  await poseSession.release();
  models.multiTask.dispose();
  models.pose.dispose();
});

describe('MultiTaskModel on onnxruntime (toOnnx + useOnnx)', () => {
  it('one graph gives logits, neck levels and RPN outputs; logits and neck equal TF.js within 1e-4 of std', async () => {
    const session = await oneThread(models.multiTask.toOnnx());
    const x = tf.randomNormal([1, 96, 128, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    const ours = models.multiTask.forwardNamed(x);
    const onnx = await onnxRunner(session)(x);
    const levels = Object.keys(ours).filter((k) => k.startsWith('neck_out_')).length;
    expect(Object.keys(onnx).sort()).toEqual(
      ['logits', ...Array.from({ length: levels }, (_, i) => [`neck_out_${i}`, `rpn_cls_${i}`, `rpn_reg_${i}`]).flat()].sort(),
    );
    for (const [name, t] of Object.entries(ours)) {
      expect(onnx[name].shape, name).toEqual(t.shape);
      expect(difference(await onnx[name].data(), await t.data()).relToStd, name).toBeLessThan(1e-4);
    }
    tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    await session.release();
  });

  it('segmentAndDetect on the sessions equals TF.js: logits within 1e-4 of std, every box matched (IoU ≥ 0.99, same label), one backbone pass', async () => {
    const image = await readImageFile(join(samplesDir(), DEMO_SAMPLES[0].file));
    const input = preprocessForDetection(image, models.multiTask.detector.testPipeline);
    const x = tf.tensor4d(input.data, input.shape);
    const tfjs = await models.multiTask.segmentAndDetect(x, input.meta);
    await models.multiTask.useOnnx(oneThread);
    const before = models.multiTask.backbonePasses;
    const onnx = await models.multiTask.segmentAndDetect(x, input.meta);
    expect(models.multiTask.backbonePasses - before).toBe(1);
    await models.multiTask.releaseOnnx();
    expect(onnx.logits.shape).toEqual(tfjs.logits.shape);
    expect(difference(await onnx.logits.data(), await tfjs.logits.data()).relToStd).toBeLessThan(1e-4);
    const a = tfjs.detections;
    const b = onnx.detections;
    expect(a.scores.length).toBeGreaterThan(0);
    expect(b.scores.length).toBe(a.scores.length);
    const match = matchedFraction(withScores(a.bboxes, a.scores), withScores(b.bboxes, b.scores), { minIou: 0.99, scoreTol: 1e-3, referenceLabels: a.labels, actualLabels: b.labels });
    expect(match.fraction).toBe(1);
    tf.dispose([x, tfjs.logits, onnx.logits]);
  });

  it('the demo pipeline with both networks on onnxruntime gives the same detections, poses (0.5 px) and segmentation', async () => {
    const image = await readImageFile(join(samplesDir(), DEMO_SAMPLES[1].file));
    const tfjs = await runDemo(models, image);
    await models.multiTask.useOnnx(oneThread);
    const onnx = await runDemo({ ...models, poseNetwork: onnxRunner(poseSession) }, image);
    await models.multiTask.releaseOnnx();
    expect(onnx.detections.map((d) => d.label)).toEqual(tfjs.detections.map((d) => d.label));
    expect(tfjs.poses.length).toBeGreaterThan(0);
    expect(onnx.poses.length).toBe(tfjs.poses.length);
    let gap = 0;
    onnx.poses.forEach((p, i) => p.keypoints.forEach((k, j) => (gap = Math.max(gap, Math.abs(k.x - tfjs.poses[i].keypoints[j].x), Math.abs(k.y - tfjs.poses[i].keypoints[j].y)))));
    expect(gap).toBeLessThan(0.5);
    const pixels = image.width * image.height;
    onnx.segmentation!.counts.forEach((c, i) => expect(Math.abs(c - tfjs.segmentation!.counts[i]) / pixels).toBeLessThan(0.001));
  });
});
