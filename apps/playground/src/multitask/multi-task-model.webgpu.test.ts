import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { onnxRunner, type OnnxSession, readCheckpoint } from '@hrnetjs/core';
import { createOrtSession, readImageFile, useBackend } from '@hrnetjs/core/node';
import { preprocessForDetection, type SimpleTestResult } from '@hrnetjs/detection-head';
import { describeWebGpu, difference, logDifferences, matchedFraction, profiledSessions, withScores } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoMultiTask } from '../demo-model/demo-models.js';
import { defaultWeightsDir, samplesDir } from '../demo-model/paths.js';
import type { MultiTaskModel } from './multi-task-model.js';

// The shared-backbone demo model exported to ONNX (one graph: seg logits, HRFPN levels, RPN convs)
// on onnxruntime-node CPU and WebGPU (software Vulkan), against our TF.js forward with the shipped
// demo weights on a shipped sample: the same tolerances as the official-oracle parity tests.
const TOLERANCE = 1e-4;

interface Reference {
  x: tf.Tensor4D;
  meta: ReturnType<typeof preprocessForDetection>['meta'];
  outputs: Record<string, Float32Array>;
  labels: Int32Array;
  detections: SimpleTestResult;
}

/** Argmax over the last axis of NHWC logits and the top-2 margin of each pixel. */
function argmax(logits: Float32Array, classes: number): { labels: Int32Array; margins: Float32Array } {
  const n = logits.length / classes;
  const labels = new Int32Array(n);
  const margins = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    let best = 0;
    let second = -Infinity;
    for (let c = 1; c < classes; c++) {
      const v = logits[p * classes + c];
      if (v > logits[p * classes + best]) {
        second = logits[p * classes + best];
        best = c;
      } else if (v > second) second = v;
    }
    labels[p] = best;
    margins[p] = logits[p * classes + best] - second;
  }
  return { labels, margins };
}

async function reference(model: MultiTaskModel): Promise<Reference> {
  const image = await readImageFile(join(samplesDir(), 'sample-1.png'));
  const input = preprocessForDetection(image, model.detector.testPipeline);
  const x = tf.tensor4d(input.data, input.shape);
  const named = model.forwardNamed(x);
  const levels = Object.keys(named)
    .filter((k) => k.startsWith('neck_out_'))
    .map((k) => named[k] as tf.Tensor4D);
  const rpn = tf.tidy(() => model.detector.rpnHead.forward(levels));
  rpn.clsScores.forEach((t, i) => (named[`rpn_cls_${i}`] = t));
  rpn.bboxPreds.forEach((t, i) => (named[`rpn_reg_${i}`] = t));
  const outputs: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(named)) outputs[k] = (await t.data()) as Float32Array;
  tf.dispose(Object.values(named));
  const { logits, detections } = await model.segmentAndDetect(x, input.meta);
  logits.dispose();
  return { x, meta: input.meta, outputs, labels: argmax(outputs.logits, model.lastLayer.classifier.outChannels).labels, detections };
}

/**
 * The multi-task graph on `features` (and the RoI bbox head on `bboxHead`) vs the TF.js reference:
 * every output within 1e-4 of std, seg labels equal (top-2 margin above 1e-3), proposals and
 * detections equal as sets (IoU ≥ 0.99, labels equal, |Δscore| ≤ 1e-3).
 */
async function check(label: string, model: MultiTaskModel, ref: Reference, features: OnnxSession, bboxHead: OnnxSession): Promise<void> {
  const out = await onnxRunner(features)(ref.x);
  expect(Object.keys(out).sort()).toEqual(Object.keys(ref.outputs).sort());
  const rel: Record<string, number> = {};
  for (const [k, t] of Object.entries(out)) rel[k] = difference((await t.data()) as Float32Array, ref.outputs[k]).relToStd;
  const classes = model.lastLayer.classifier.outChannels;
  const ours = argmax((await out.logits.data()) as Float32Array, classes);
  tf.dispose(Object.values(out));
  let labelMismatches = 0;
  for (let p = 0; p < ours.labels.length; p++) if (ours.labels[p] !== ref.labels[p] && ours.margins[p] > 1e-3) labelMismatches++;

  // The detector's ONNX path with the multi-task graph as its features session (same output names).
  model.detector.onnxSessions = { features, bboxHeads: [bboxHead], maskHeads: [] };
  let dets: SimpleTestResult;
  try {
    dets = await model.detector.simpleTest(ref.x, ref.meta);
  } finally {
    model.detector.onnxSessions = null;
  }
  const proposals = matchedFraction(ref.detections.proposals, dets.proposals).fraction;
  const detections = matchedFraction(withScores(ref.detections.bboxes, ref.detections.scores), withScores(dets.bboxes, dets.scores), {
    referenceLabels: ref.detections.labels,
    actualLabels: dets.labels,
  }).fraction;
  logDifferences(label, { ...rel, labelMismatches, proposals, detections });
  for (const [k, v] of Object.entries(rel)) expect.soft(v, k).toBeLessThan(TOLERANCE);
  expect(labelMismatches).toBe(0);
  expect(ref.detections.scores.length).toBeGreaterThan(0);
  expect(dets.scores.length).toBe(ref.detections.scores.length);
  expect(proposals).toBeGreaterThanOrEqual(0.99);
  expect(detections).toBeGreaterThanOrEqual(0.98);
}

let model: MultiTaskModel;
let ref: Reference;
beforeAll(async () => {
  await useBackend('wasm');
  model = createDemoMultiTask(readCheckpoint(readFileSync(join(defaultWeightsDir(), 'demo-multitask.safetensors'))).stateDict);
  ref = await reference(model);
});
afterAll(() => {
  ref?.x.dispose();
  model?.dispose();
});

describe('multi-task demo model exported to ONNX, on onnxruntime-node CPU', () => {
  it('one graph: logits, neck levels and RPN convs equal TF.js; seg labels, proposals and detections equal', async () => {
    const features = await createOrtSession(model.toOnnx(), { intraOpNumThreads: 1 });
    const bboxHead = await createOrtSession(model.detector.roiHead.bboxHead.toOnnx(), { intraOpNumThreads: 1 });
    try {
      await check('ort-cpu multi-task', model, ref, features, bboxHead);
    } finally {
      await Promise.all([features.release(), bboxHead.release()]);
    }
  });
});

describeWebGpu('multi-task demo model on onnxruntime-node WebGPU (software Vulkan)', () => {
  const gpu = profiledSessions((bytes, profileFilePrefix) => createOrtSession(bytes, { executionProvider: 'webgpu', profileFilePrefix }));
  afterAll(async () => {
    await gpu.cleanup();
  });

  it('the same checks as on ORT CPU', async () => {
    const features = await gpu.get('multitask', () => model.toOnnx());
    const bboxHead = await gpu.get('multitask_bbox_head', () => model.detector.roiHead.bboxHead.toOnnx());
    await check('webgpu multi-task', model, ref, features, bboxHead);
  });

  it('the WebGPU provider ran every node computing float tensors (session profiles; only int64 shape arithmetic on the CPU)', async () => {
    const placement = await gpu.placement();
    expect(Object.keys(placement).sort()).toEqual(['multitask', 'multitask_bbox_head']);
    for (const [key, p] of Object.entries(placement)) {
      expect(p.onProvider, key).toBeGreaterThan(0);
      expect(p.fallbacks, key).toEqual([]);
    }
  });
});
