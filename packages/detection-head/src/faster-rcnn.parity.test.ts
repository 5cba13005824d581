import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, fixturePath, matchedFraction } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { FasterRCNN } from './faster-rcnn.js';

async function loadTinyDetector(): Promise<FasterRCNN> {
  const config = parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8'));
  const model = new FasterRCNN(config);
  const merged = new Map([
    ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
    ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
  ]);
  const report = model.load(merged);
  expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
  return model;
}

/** Appends the score column to [M × 4] boxes. */
function withScores(boxes: Float32Array, scores: Float32Array): Float32Array {
  const out = new Float32Array(scores.length * 5);
  scores.forEach((s, i) => {
    out.set(boxes.subarray(4 * i, 4 * i + 4), 5 * i);
    out[5 * i + 4] = s;
  });
  return out;
}

describe.each(['wasm', 'cpu'] as const)('tiny Faster R-CNN parity with mmdet 2.x on %s (fixtures/det)', (backend) => {
  it('proposals, det_bboxes and det_labels match as sets; a second run leaks no tensor', async () => {
    await useBackend(backend);
    const model = await loadTinyDetector();
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const result = await model.simpleTest(x);
    // The first run compiles (folds) the weights into cached tensors; later runs add none.
    const before = tf.memory().numTensors;
    const again = await model.simpleTest(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(again.scores).toEqual(result.scores);

    const proposals = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    const p = matchedFraction(proposals, result.proposals);
    expect(result.proposals.length / 5).toBe(1000);
    expect(p.fraction).toBeGreaterThanOrEqual(0.99);

    const bboxes = (await readNpyFile(fixturePath('det', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det', 'det_labels.npy'))).values as Int32Array;
    const d = matchedFraction(bboxes, withScores(result.bboxes, result.scores), { referenceLabels: labels, actualLabels: result.labels });
    expect(result.scores.length).toBe(100);
    expect(d.fraction).toBeGreaterThanOrEqual(0.98);
    console.log(`[${backend}] proposals matched ${p.matched}/${p.total}, detections ${d.matched}/${d.total}`);
    x.dispose();
    model.dispose();
  });

  it('bbox head on the first 16 reference proposals: cls_score and bbox_pred within 1e-4 of std', async () => {
    await useBackend(backend);
    const model = await loadTinyDetector();
    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const levels = model.neckLevels(x);
    const features = await Promise.all(
      levels.slice(0, 4).map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
    );
    tf.dispose([x, ...levels]);
    const proposals = (await readNpyFile(fixturePath('det', 'proposals.npy'))).values as Float32Array;
    const rois = new Float32Array(16 * 4);
    for (let i = 0; i < 16; i++) rois.set(proposals.subarray(5 * i, 5 * i + 4), 4 * i);
    const { clsScore, bboxPred } = await model.roiHead.bboxForward(features, rois);
    const cls = await readNpyFile(fixturePath('det', 'roi_cls_score_first16.npy'));
    const reg = await readNpyFile(fixturePath('det', 'roi_bbox_pred_first16.npy'));
    expect([clsScore.length, bboxPred.length]).toEqual([16 * 81, 16 * 320]);
    const dc = difference(clsScore, cls.values as Float32Array).relToStd;
    const dr = difference(bboxPred, reg.values as Float32Array).relToStd;
    console.log(`[${backend}] first16 relToStd cls ${dc.toExponential(2)} reg ${dr.toExponential(2)}`);
    expect(dc).toBeLessThan(1e-4);
    expect(dr).toBeLessThan(1e-4);
    model.dispose();
  });
});
