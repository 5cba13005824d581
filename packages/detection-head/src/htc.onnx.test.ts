import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type MmdetHeadConfig, type OnnxSession, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, useBackend } from '@hrnetjs/core/node';
import { bitmapIou, difference, iou, matchDetections, oracleCase, repoRoot, withScores } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageMeta } from './faster-rcnn-config.js';
import { HybridTaskCascade } from './htc.js';
import { HTCMaskHead } from './htc-mask-head.js';
import { checkHtcOracleCase, HTC_ORACLE_CASES } from './htc-oracle.test-helper.js';
import { maskRois } from './paste-mask.js';
import { createTwoStageDetector } from './two-stage.js';

// Hybrid Task Cascade on onnxruntime-node (CPU, 1 thread): the features graph, every stage's bbox
// head, every stage's HTCMaskHead (conv features passed on between the mask graphs) and the semantic
// head; RoIAlign, semantic fusion, cascade refinement, NMS and mask pasting are the TF.js path's JS.
const oneThread = (bytes: Uint8Array) => createOrtSession(bytes, { intraOpNumThreads: 1 });

beforeAll(async () => {
  await useBackend('wasm');
});

/** A createSession that opens no runtime: it counts what it opened and what was released. */
function fakeSessions(failAt = Number.POSITIVE_INFINITY) {
  const log = { opened: 0, released: 0 };
  const create = async (): Promise<OnnxSession> => {
    if (log.opened + 1 === failAt) throw new Error(`session ${failAt} failed`);
    log.opened++;
    return { inputNames: [], outputNames: [], run: async () => ({}), release: async () => void log.released++ };
  };
  return { log, create };
}

describe('HybridTaskCascade on onnxruntime-node CPU, 1 thread', () => {
  it.each(HTC_ORACLE_CASES)('%s: the bars of the TF.js oracle test (proposals, detections, masks, semantic feature, stage mask logits)', async (name) => {
    const opened: OnnxSession[] = [];
    const worst = await checkHtcOracleCase(name, {
      label: 'onnxruntime',
      prepare: async (model) => {
        await model.useOnnx(async (bytes) => {
          const s = await oneThread(bytes);
          opened.push(s);
          return s;
        });
        const { bbox, mask, semantic } = model.roiHead.networks();
        const sessions = model.onnxSessions!;
        expect([sessions.bboxHeads.length, sessions.maskHeads.length]).toEqual([bbox.length, mask.length]);
        expect(sessions.semanticHead !== undefined).toBe(semantic !== undefined);
        expect(opened.length).toBe(1 + bbox.length + mask.length + (semantic ? 1 : 0));
        // Information flow (HTCMaskHead stages): conv features out of every stage, into every one after the first.
        const flow = mask.map((h) => h instanceof HTCMaskHead);
        expect(sessions.maskHeads.map((s) => s.outputNames.includes('mask_feats'))).toEqual(flow);
        expect(sessions.maskHeads.map((s) => s.inputNames.includes('res_feats'))).toEqual(flow.map((f, s) => f && s > 0));
        expect(flow.some(Boolean)).toBe(name !== 'mmdet_htc_bbox_fusion');
      },
    });
    expect(worst.detections).toBeGreaterThan(0);
    expect(worst.minMaskIou).toBeGreaterThanOrEqual(0.99);
  });

  it('useOnnx opens features + every head graph (semantic head included); releaseOnnx and dispose release every session; a failed open releases the others', async () => {
    for (const [name, count] of [
      ['mmdet_htc', 1 + 3 + 3 + 1],
      ['mmdet_htc_nosemantic', 1 + 3 + 3],
    ] as const) {
      const c = oracleCase(name);
      const model = createTwoStageDetector(parseModelConfig(c.configText));
      model.load(readCheckpoint(c.checkpoint).stateDict);
      expect(model.onnxHeadGraphs().some((g) => g.kind === 'semantic')).toBe(name === 'mmdet_htc');
      const a = fakeSessions();
      await model.useOnnx(a.create);
      expect([a.log.opened, model.onnxSessions?.semanticHead !== undefined]).toEqual([count, name === 'mmdet_htc']);
      await model.releaseOnnx();
      expect([a.log.released, model.onnxSessions]).toEqual([count, null]);
      const b = fakeSessions();
      await model.useOnnx(b.create);
      model.dispose();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect([b.log.released, model.onnxSessions]).toEqual([count, null]);
      const f = fakeSessions(count); // the last graph (the semantic head, with one) fails
      await expect(model.useOnnx(f.create)).rejects.toThrow(new RegExp(`session ${count} failed`));
      expect([f.log.opened, f.log.released, model.onnxSessions]).toEqual([count - 1, count - 1, null]);
    }
  });

  it('an HTC the oracle did not use (3 classes, 2 mask convs, bbox + mask fusion, semantic at stride 16, 7×7 → 5×5 bbox RoIs), random weights: TF.js and onnxruntime agree', async () => {
    const config = parseModelConfig(readFileSync(join(repoRoot(), 'tools/oracle/cases/mmdet_htc/config.json'), 'utf8'));
    type Dict = Record<string, unknown>;
    const d = (config.head as MmdetHeadConfig).detector as { roi_head: Dict & { bbox_head: Dict[]; mask_head: Dict[]; bbox_roi_extractor: Dict & { roi_layer: Dict } } };
    const roi = d.roi_head;
    roi.bbox_head = roi.bbox_head.map((h) => ({ ...h, num_classes: 3, roi_feat_size: 5 }));
    roi.bbox_roi_extractor = { ...roi.bbox_roi_extractor, roi_layer: { ...roi.bbox_roi_extractor.roi_layer, output_size: 5 } };
    roi.mask_head = roi.mask_head.map((h) => ({ ...h, num_classes: 3, num_convs: 2 }));
    roi.semantic_fusion = ['bbox', 'mask'];
    roi.semantic_head = { ...(roi.semantic_head as Dict), num_classes: 9, fusion_level: 2, num_convs: 3 };
    roi.semantic_roi_extractor = { ...(roi.semantic_roi_extractor as Dict), featmap_strides: [16] };
    delete (d as Dict).img_metas;
    const model = createTwoStageDetector(config) as HybridTaskCascade;
    expect(model).toBeInstanceOf(HybridTaskCascade);
    randomizeWeights(model, 21);
    const meta: ImageMeta = { imgShape: [90, 124], scaleFactor: [0.62, 0.6, 0.62, 0.6], oriShape: [150, 200] };
    const x = tf.randomNormal([1, 96, 128, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const opts = { testCfg: { rcnn: { scoreThr: 0, maxPerImg: 60 } } };
    try {
      const ours = await model.simpleTest(x, meta, opts);
      const tfFeatures = (await model.hostFeatures(x)).features;
      await model.useOnnx(oneThread);
      expect(model.onnxHeadGraphs().map((g) => g.suffix)).toEqual(['roi-head-0', 'roi-head-1', 'roi-head-2', 'mask-head-0', 'mask-head-1', 'mask-head-2', 'semantic-head']);
      const ort = await model.simpleTest(x, meta, opts);
      const sessions = model.onnxSessions!;
      // The heads alone on the same (TF.js) neck levels and detections.
      const semTf = await model.roiHead.semanticFeatures(tfFeatures);
      const semOrt = await model.roiHead.semanticFeatures(tfFeatures, sessions.semanticHead);
      expect([semOrt.height, semOrt.width, semOrt.channels]).toEqual([6, 8, semTf.channels]);
      const semD = difference(semOrt.data, semTf.data).relToStd;
      expect(semD).toBeLessThan(1e-5);
      const rois = maskRois(ours.bboxes, meta.scaleFactor, true);
      const [logitsTf, logitsOrt] = [await model.roiHead.stageMaskLogits(tfFeatures, rois, ours.labels), await model.roiHead.stageMaskLogits(tfFeatures, rois, ours.labels, sessions)];
      expect(logitsOrt.length).toBe(3);
      const logitD = Math.max(...logitsOrt.map((l, s) => difference(l, logitsTf[s]).relToStd));
      expect(logitD).toBeLessThan(1e-4);
      await model.releaseOnnx();
      expect(model.onnxSessions).toBeNull();

      expect(ours.scores.length).toBeGreaterThan(10);
      expect(ort.scores.length).toBe(ours.scores.length);
      expect(new Set(ours.labels).size, 'several labels').toBeGreaterThan(1);
      expect(matchDetections(ours.proposals, ort.proposals).length).toBe(ours.proposals.length / 5);
      const [a, b] = [withScores(ours.bboxes, ours.scores), withScores(ort.bboxes, ort.scores)];
      const pairs = matchDetections(a, b, { referenceLabels: ours.labels, actualLabels: ort.labels });
      expect(pairs.length).toBe(ours.scores.length);
      let [worstBox, worstScore, worstMask] = [1, 0, 1];
      for (const [i, j] of pairs) {
        worstBox = Math.min(worstBox, iou(a.subarray(5 * i, 5 * i + 4), b.subarray(5 * j, 5 * j + 4)));
        worstScore = Math.max(worstScore, Math.abs(a[5 * i + 4] - b[5 * j + 4]));
        worstMask = Math.min(worstMask, bitmapIou(ours.masks!.masks[i], ort.masks!.masks[j]));
      }
      expect([ort.masks?.height, ort.masks?.width, ort.masks?.masks.length]).toEqual([150, 200, ort.scores.length]);
      console.log(
        `[htc random weights] TF.js vs onnxruntime: ${pairs.length} detections, worst box IoU ${worstBox.toFixed(5)}, |Δscore| ${worstScore.toExponential(2)}, mask IoU ${worstMask.toFixed(5)}, ` +
          `semantic ${semD.toExponential(2)}, mask logits ${logitD.toExponential(2)} of std`,
      );
      expect(worstBox).toBeGreaterThanOrEqual(0.99);
      expect(worstScore).toBeLessThanOrEqual(1e-3);
      expect(worstMask).toBeGreaterThanOrEqual(0.99);
    } finally {
      x.dispose();
      await model.releaseOnnx();
      model.dispose();
    }
  });
});
