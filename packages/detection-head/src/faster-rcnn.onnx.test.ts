import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { BackboneModel, decodeImage, fromNCHW, getPreset, onnxRunner, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, matchedFraction, oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionFeatureModel } from './detection-model.js';
import { FasterRCNN } from './faster-rcnn.js';
import { createDetector } from './detect.js';

const TOLERANCE = 1e-4;
const oneThread = (bytes: Uint8Array) => createOrtSession(bytes, { intraOpNumThreads: 1 });
let detector: FasterRCNN;

beforeAll(async () => {
  await useBackend('wasm');
  detector = new FasterRCNN(parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8')));
  detector.load(
    new Map([
      ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
      ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
    ]),
  );
  await detector.useOnnx(oneThread);
});
afterAll(async () => {
  await detector.releaseOnnx();
  detector.dispose();
});

function withScores(boxes: Float32Array, scores: Float32Array): Float32Array {
  const out = new Float32Array(scores.length * 5);
  scores.forEach((s, i) => {
    out.set(boxes.subarray(4 * i, 4 * i + 4), 5 * i);
    out[5 * i + 4] = s;
  });
  return out;
}

describe('Faster R-CNN on onnxruntime-node CPU (two ONNX sessions, RoIAlign and NMS in JS)', () => {
  it('fixtures/det: backbone and neck outputs within 1e-4 of std', async () => {
    const session = await oneThread(detector.toOnnx());
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const outputs = await onnxRunner(session)(x);
    const names = ['backbone_out_0', 'backbone_out_1', 'backbone_out_2', 'backbone_out_3', 'neck_out_0', 'neck_out_1', 'neck_out_2', 'neck_out_3', 'neck_out_4'];
    for (const name of names) {
      const expected = await readNpyFile(fixturePath('det', `${name}.npy`));
      const actual = await toNCHW(outputs[name] as tf.Tensor4D);
      expect(actual.shape, name).toEqual(expected.shape);
      expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd, name).toBeLessThan(TOLERANCE);
    }
    tf.dispose([x, ...Object.values(outputs)]);
    await session.release();
  });

  it('fixtures/det: proposals and detections match mmdet as sets (IoU ≥ 0.99, labels equal)', async () => {
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const before = tf.memory().numTensors;
    const result = await detector.simpleTest(x);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    const proposals = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    expect(result.proposals.length / 5).toBe(1000);
    expect(matchedFraction(proposals, result.proposals).fraction).toBeGreaterThanOrEqual(0.99);
    const bboxes = (await readNpyFile(fixturePath('det', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det', 'det_labels.npy'))).values as Int32Array;
    const d = matchedFraction(bboxes, withScores(result.bboxes, result.scores), { referenceLabels: labels, actualLabels: result.labels });
    expect(result.scores.length).toBe(100);
    expect(d.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('fixtures/det: the RoI bbox head session on the first 16 reference proposals: cls_score and bbox_pred within 1e-4 of std', async () => {
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const levels = detector.neckLevels(x);
    const features = await Promise.all(
      levels.slice(0, 4).map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
    );
    tf.dispose([x, ...levels]);
    const proposals = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    const rois = new Float32Array(16 * 4);
    for (let i = 0; i < 16; i++) rois.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
    const { clsScore, bboxPred } = await detector.roiHead.bboxForward(features, rois, detector.onnxSessions!.bboxHeads[0]);
    const cls = await readNpyFile(fixturePath('det', 'roi_cls_score_first16.npy'));
    const reg = await readNpyFile(fixturePath('det', 'roi_bbox_pred_first16.npy'));
    expect(difference(clsScore, cls.values as Float32Array).relToStd).toBeLessThan(TOLERANCE);
    expect(difference(bboxPred, reg.values as Float32Array).relToStd).toBeLessThan(TOLERANCE);
  });

  it('fixtures/det_pipeline: detect() on the image gives the reference detections', async () => {
    const image = await decodeImage(readFileSync(fixturePath('det_pipeline', 'image.png')));
    const detections = await (await createDetector(detector)).detect(image);
    const bboxes = (await readNpyFile(fixturePath('det_pipeline', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as Int32Array;
    expect(detections).toHaveLength(100);
    const flat = Float32Array.from(detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]));
    const m = matchedFraction(bboxes, flat, { referenceLabels: labels, actualLabels: Int32Array.from(detections, (d) => d.labelId) });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('mmdet_ms4 (tools/oracle, mmdet HRNet backbone): every stage and backbone output', async () => {
    const c = oracleCase('mmdet_ms4');
    const model = new BackboneModel(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const session = await oneThread(model.toOnnx({ intermediates: true }));
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await onnxRunner(session)(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    await session.release();
    model.dispose();
  });

  it('a case outside the fixtures: W18 detector features (HRFPN max pooling, 3 levels) with random weights vs our TF.js forward', async () => {
    const config = structuredClone(getPreset('faster-rcnn-w18'));
    if (config.head.type !== 'mmdet' || !config.head.neck) throw new Error('preset without neck');
    config.head.neck = { ...config.head.neck, poolingType: 'MAX', numOuts: 3, outChannels: 32 };
    config.backbone.stages = config.backbone.stages.map((s) => ({ ...s, numModules: 1 }));
    const model = new DetectionFeatureModel(config);
    randomizeWeights(model, 8);
    const session = await oneThread(model.toOnnx());
    const x = tf.randomNormal([1, 96, 128, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const ours = model.forwardNamed(x);
    const onnx = await onnxRunner(session)(x);
    expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
    for (const name of Object.keys(ours)) {
      expect(onnx[name].shape, name).toEqual(ours[name].shape);
      expect(difference(await onnx[name].data(), await ours[name].data()).relToStd, name).toBeLessThan(TOLERANCE);
    }
    tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    await session.release();
    model.dispose();
  });
});
