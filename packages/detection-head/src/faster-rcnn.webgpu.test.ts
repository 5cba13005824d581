import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { BackboneModel, decodeImage, fromNCHW, type HostTensor, onnxRunner, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import {
  describeWebGpu,
  difference,
  fixturePath,
  logDifferences,
  matchedFraction,
  oracleCase,
  oracleDifferences,
  profiledSessions,
  withScores,
} from '@hrnetjs/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import { FasterRCNN } from './faster-rcnn.js';

// onnxruntime-node's WebGPU provider on software Vulkan (Mesa 25 lavapipe from scripts/setup.sh):
// the checks and tolerances of faster-rcnn.onnx.test.ts (ORT CPU). The detector's two sessions
// (backbone + neck + RPN convs; RoI bbox head) are opened once and serve every test.
const TOLERANCE = 1e-4;
const gpu = profiledSessions((bytes, profileFilePrefix) => createOrtSession(bytes, { executionProvider: 'webgpu', profileFilePrefix }));
const NAMES = ['backbone_out_0', 'backbone_out_1', 'backbone_out_2', 'backbone_out_3', 'neck_out_0', 'neck_out_1', 'neck_out_2', 'neck_out_3', 'neck_out_4'];

describeWebGpu('Faster R-CNN on onnxruntime-node WebGPU (software Vulkan; RoIAlign and NMS in JS)', () => {
  let detector: FasterRCNN;
  /** The features session's outputs on fixtures/det input.npy. */
  let features: Record<string, HostTensor>;
  beforeAll(async () => {
    await useBackend('wasm');
    detector = new FasterRCNN(parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8')));
    detector.load(
      new Map([
        ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
        ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
      ]),
    );
    const keys = ['det_features', 'det_bbox_head'];
    await detector.useOnnx((bytes) => gpu.get(keys.shift() as string, () => bytes));
    const x = await readNpyFile(fixturePath('det', 'input.npy'));
    const nhwc = fromNCHW(x);
    features = await detector.onnxSessions!.features.run({ input: { data: (await nhwc.data()) as Float32Array, dims: [...nhwc.shape] } });
    nhwc.dispose();
  });
  afterAll(async () => {
    // The sessions belong to `gpu`; the detector only drops its references.
    detector.onnxSessions = null;
    await gpu.cleanup();
    detector?.dispose();
  });

  it('fixtures/det: backbone and neck outputs within 1e-4 of std', async () => {
    const rel: Record<string, number> = {};
    for (const name of NAMES) {
      const expected = await readNpyFile(fixturePath('det', `${name}.npy`));
      const t = tf.tensor4d(features[name].data, features[name].dims as [number, number, number, number]);
      const actual = await toNCHW(t);
      t.dispose();
      expect(actual.shape, name).toEqual(expected.shape);
      rel[name] = difference(actual.values as Float32Array, expected.values as Float32Array).relToStd;
    }
    logDifferences('webgpu det features', rel);
    for (const [name, value] of Object.entries(rel)) expect.soft(value, name).toBeLessThan(TOLERANCE);
  });

  it('fixtures/det: the RoI bbox head session on the first 16 reference proposals: cls_score and bbox_pred within 1e-4 of std', async () => {
    const levels = NAMES.slice(4, 8).map((name) => {
      const [, height, width, channels] = features[name].dims;
      return { data: features[name].data, height, width, channels };
    });
    const proposals = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    const rois = new Float32Array(16 * 4);
    for (let i = 0; i < 16; i++) rois.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
    const { clsScore, bboxPred } = await detector.roiHead.bboxForward(levels, rois, detector.onnxSessions!.bboxHeads[0]);
    const rel = {
      clsScore: difference(clsScore, (await readNpyFile(fixturePath('det', 'roi_cls_score_first16.npy'))).values as Float32Array).relToStd,
      bboxPred: difference(bboxPred, (await readNpyFile(fixturePath('det', 'roi_bbox_pred_first16.npy'))).values as Float32Array).relToStd,
    };
    logDifferences('webgpu det bbox head', rel);
    expect(rel.clsScore).toBeLessThan(TOLERANCE);
    expect(rel.bboxPred).toBeLessThan(TOLERANCE);
  });

  it('fixtures/det: RPN proposals and detections match mmdet as sets (IoU ≥ 0.99, labels equal, |Δscore| ≤ 1e-3)', async () => {
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const before = tf.memory().numTensors;
    const result = await detector.simpleTest(x);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    const proposals = matchedFraction((await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array, result.proposals);
    const bboxes = (await readNpyFile(fixturePath('det', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det', 'det_labels.npy'))).values as Int32Array;
    const detections = matchedFraction(bboxes, withScores(result.bboxes, result.scores), { referenceLabels: labels, actualLabels: result.labels });
    logDifferences('webgpu det matched fraction', { proposals: proposals.fraction, detections: detections.fraction });
    expect(result.proposals.length / 5).toBe(1000);
    expect(proposals.fraction).toBeGreaterThanOrEqual(0.99);
    expect(result.scores.length).toBe(100);
    expect(detections.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('fixtures/det_pipeline: detect() on the image (800×1088 padded) gives the reference detections', async () => {
    const image = await decodeImage(readFileSync(fixturePath('det_pipeline', 'image.png')));
    const detections = await (await createDetector(detector)).detect(image);
    const bboxes = (await readNpyFile(fixturePath('det_pipeline', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as Int32Array;
    expect(detections).toHaveLength(100);
    const flat = Float32Array.from(detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]));
    const m = matchedFraction(bboxes, flat, { referenceLabels: labels, actualLabels: Int32Array.from(detections, (d) => d.labelId) });
    logDifferences('webgpu det_pipeline matched fraction', { detections: m.fraction });
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
  });

  it('mmdet_ms4 (tools/oracle, mmdet HRNet backbone): every stage and backbone output', async () => {
    const c = oracleCase('mmdet_ms4');
    const model = new BackboneModel(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const run = onnxRunner(await gpu.get('mmdet_ms4', () => model.toOnnx({ intermediates: true })));
    model.dispose();
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await run(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    logDifferences('webgpu mmdet_ms4', rel);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
  });

  it('the WebGPU provider ran every node computing float tensors (session profiles; only int64 shape arithmetic on the CPU)', async () => {
    detector.onnxSessions = null;
    const placement = await gpu.placement();
    expect(Object.keys(placement).sort()).toEqual(['det_bbox_head', 'det_features', 'mmdet_ms4']);
    for (const [key, p] of Object.entries(placement)) {
      expect(p.onProvider, key).toBeGreaterThan(0);
      expect(p.fallbacks, key).toEqual([]);
    }
  });
});
