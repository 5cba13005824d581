import * as tf from '@tensorflow/tfjs-core';
import { type OnnxSession, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, useBackend } from '@hrnetjs/core/node';
import { bitmapIou, difference, iou, matchDetections, oracleCase, withScores } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import type { ImageMeta } from './faster-rcnn-config.js';
import { FCNMaskHead, type MaskHeadConfig } from './fcn-mask-head.js';
import { checkTwoStageOracleCase, TWO_STAGE_ORACLE_CASES } from './two-stage-oracle.test-helper.js';
import { createTwoStageDetector, type TwoStageDetector } from './two-stage.js';

// Mask R-CNN, Cascade R-CNN and Cascade Mask R-CNN on onnxruntime-node (CPU, 1 thread): the features
// graph plus one session per RoI head network; RoIAlign, cascade refinement, NMS and mask pasting are
// the TF.js path's own JS code.
const oneThread = (bytes: Uint8Array) => createOrtSession(bytes, { intraOpNumThreads: 1 });

beforeAll(async () => {
  await useBackend('wasm');
});

/** A createSession that opens no runtime: it records what it was given and what was released. */
function fakeSessions(failAt = Number.POSITIVE_INFINITY) {
  const log = { opened: 0, released: 0, sizes: [] as number[] };
  const create = async (bytes: Uint8Array): Promise<OnnxSession> => {
    if (log.opened + 1 === failAt) throw new Error(`session ${failAt} failed`);
    log.opened++;
    log.sizes.push(bytes.length);
    return { inputNames: [], outputNames: [], run: async () => ({}), release: async () => void log.released++ };
  };
  return { log, create };
}

function oracleDetector(name: string): TwoStageDetector {
  const c = oracleCase(name);
  const model = createTwoStageDetector(parseModelConfig(c.configText));
  model.load(readCheckpoint(c.checkpoint).stateDict);
  return model;
}

describe('Mask / Cascade (Mask) R-CNN on onnxruntime-node CPU, 1 thread', () => {
  it.each(TWO_STAGE_ORACLE_CASES)('%s: the bars of the TF.js oracle test (proposals, detections, masks, mask logits)', async (name) => {
    let opened = 0;
    const worst = await checkTwoStageOracleCase(name, {
      label: 'onnxruntime',
      prepare: async (model) => {
        await model.useOnnx((bytes) => {
          opened++;
          return oneThread(bytes);
        });
        const { bbox, mask } = model.roiHead.networks();
        expect(model.onnxSessions?.bboxHeads).toHaveLength(bbox.length);
        expect(model.onnxSessions?.maskHeads).toHaveLength(mask.length);
        expect(opened).toBe(1 + bbox.length + mask.length);
      },
    });
    expect(worst.detections).toBe(50);
    expect(worst.minBoxIou).toBeGreaterThanOrEqual(0.99);
    expect(worst.maxScoreDiff).toBeLessThanOrEqual(1e-3);
  });

  it('useOnnx opens features + every head graph; releaseOnnx and dispose (model or createDetector\'s Detector) release every session; a failed open releases the others', async () => {
    const cases = [
      ['mmdet_mask_rcnn', ['roi-head', 'mask-head']],
      ['mmdet_cascade_rcnn', ['roi-head-0', 'roi-head-1', 'roi-head-2']],
      ['mmdet_cascade_mask_rcnn', ['roi-head-0', 'roi-head-1', 'roi-head-2', 'mask-head-0', 'mask-head-1', 'mask-head-2']],
    ] as const;
    for (const [name, suffixes] of cases) {
      const model = oracleDetector(name);
      expect(model.onnxHeadGraphs().map((g) => g.suffix)).toEqual(suffixes);
      const a = fakeSessions();
      await model.useOnnx(a.create);
      expect(a.log.opened).toBe(1 + suffixes.length);
      await model.releaseOnnx();
      expect([a.log.released, model.onnxSessions]).toEqual([1 + suffixes.length, null]);

      const b = fakeSessions();
      await model.useOnnx(b.create);
      model.dispose();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect([b.log.released, model.onnxSessions]).toEqual([1 + suffixes.length, null]);

      const d = fakeSessions();
      const detector = await createDetector(model);
      await detector.useOnnx(d.create);
      detector.dispose();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect([d.log.opened, d.log.released, model.onnxSessions]).toEqual([1 + suffixes.length, 1 + suffixes.length, null]);

      const c = fakeSessions(3);
      await expect(model.useOnnx(c.create)).rejects.toThrow(/session 3 failed/);
      expect([c.log.opened, c.log.released, model.onnxSessions]).toEqual([2, 2, null]);
      model.dispose();
    }
  });

  it('FCNMaskHead.toOnnx alone (4 convs; 5×5 convs; no conv; class-agnostic; 0, 1 and 9 RoIs) equals labelProbabilities on TF.js', async () => {
    const configs: MaskHeadConfig[] = [
      { numConvs: 4, roiFeatSize: 14, inChannels: 8, convKernelSize: 3, convOutChannels: 6, numClasses: 5, classAgnostic: false, scaleFactor: 2 },
      { numConvs: 1, roiFeatSize: 10, inChannels: 4, convKernelSize: 5, convOutChannels: 3, numClasses: 2, classAgnostic: true, scaleFactor: 2 },
      { numConvs: 0, roiFeatSize: 7, inChannels: 4, convKernelSize: 3, convOutChannels: 5, numClasses: 3, classAgnostic: false, scaleFactor: 3 },
    ];
    let worst = 0;
    for (const [k, config] of configs.entries()) {
      const head = new FCNMaskHead(config);
      randomizeWeights(head, 11 + k);
      const session = await oneThread(head.toOnnx());
      const { inChannels: C, roiFeatSize: P, numClasses } = config;
      for (const n of [0, 1, 9]) {
        const feats = Float32Array.from({ length: n * C * P * P }, (_, i) => Math.sin(i * 0.37 + k));
        const labels = Int32Array.from({ length: n }, (_, i) => (i * 2 + 1) % numClasses);
        const ort = await head.labelProbabilities(feats, labels, session);
        expect(ort.logits.length).toBe(n * head.maskSize ** 2);
        if (n === 0) continue; // (the RoI heads never call the TF.js head without RoIs)
        const ours = await head.labelProbabilities(feats, labels);
        const d = difference(ort.logits, ours.logits).relToStd;
        worst = Math.max(worst, d);
        expect(d).toBeLessThan(1e-4);
        expect(difference(ort.probs, ours.probs).maxAbs).toBeLessThan(1e-5);
      }
      await session.release();
      head.dispose();
    }
    console.log(`[mask head alone] worst logits difference ${worst.toExponential(2)} of std`);
  });

  it('a config no fixture has (3 classes, 4 mask convs, 96×128 input, another meta), random weights: TF.js and onnxruntime agree', async () => {
    // The cascade-mask oracle case's dict with other head sizes and class count.
    const dict = JSON.parse(oracleCase('mmdet_cascade_mask_rcnn').configText);
    const roi = dict.roi_head;
    roi.bbox_head = roi.bbox_head.map((h: Record<string, unknown>) => ({ ...h, num_classes: 3, fc_out_channels: 24 }));
    roi.mask_head = { ...roi.mask_head, num_convs: 4, conv_out_channels: 10, num_classes: 3 };
    dict.test_cfg.rcnn = { ...dict.test_cfg.rcnn, max_per_img: 100, mask_thr_binary: 0.5 };
    delete dict.img_metas;
    const meta: ImageMeta = { imgShape: [90, 124], scaleFactor: [0.62, 0.6, 0.62, 0.6], oriShape: [150, 200] };
    let worstBox = 1;
    let worstScore = 0;
    let worstMask = 1;
    for (const kind of ['cascade_mask_rcnn', 'mask_rcnn'] as const) {
      if (kind === 'mask_rcnn') {
        dict.type = 'MaskRCNN';
        roi.type = 'StandardRoIHead';
        roi.bbox_head = roi.bbox_head[1];
        delete roi.num_stages;
        delete roi.stage_loss_weights;
      }
      const model = createTwoStageDetector(parseModelConfig(JSON.stringify(dict)));
      randomizeWeights(model, kind === 'mask_rcnn' ? 5 : 3);
      const x = tf.randomNormal([1, 96, 128, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const ours = await model.simpleTest(x, meta);
      await model.useOnnx(oneThread);
      const ort = await model.simpleTest(x, meta);
      x.dispose();
      await model.releaseOnnx();
      model.dispose();
      expect(ours.masks?.masks.length).toBe(ours.scores.length);
      expect(ours.scores.length, kind).toBeGreaterThan(10);
      expect(ort.scores.length, kind).toBe(ours.scores.length);
      expect(new Set(ours.labels).size, `${kind}: several labels`).toBeGreaterThan(1);
      expect(matchDetections(ours.proposals, ort.proposals).length).toBe(ours.proposals.length / 5);
      const [a, b] = [withScores(ours.bboxes, ours.scores), withScores(ort.bboxes, ort.scores)];
      const pairs = matchDetections(a, b, { referenceLabels: ours.labels, actualLabels: ort.labels });
      expect(pairs.length, kind).toBe(ours.scores.length);
      for (const [i, j] of pairs) {
        worstBox = Math.min(worstBox, iou(a.subarray(5 * i, 5 * i + 4), b.subarray(5 * j, 5 * j + 4)));
        worstScore = Math.max(worstScore, Math.abs(a[5 * i + 4] - b[5 * j + 4]));
        const m = bitmapIou(ours.masks!.masks[i], ort.masks!.masks[j]);
        worstMask = Math.min(worstMask, m);
        expect(m, `${kind} detection ${i}: mask IoU`).toBeGreaterThanOrEqual(0.99);
      }
      expect([ort.masks?.height, ort.masks?.width]).toEqual([150, 200]);
    }
    console.log(`[random weights] TF.js vs onnxruntime: worst box IoU ${worstBox.toFixed(5)}, |Δscore| ${worstScore.toExponential(2)}, mask IoU ${worstMask.toFixed(5)}`);
  });
});
