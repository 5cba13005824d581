import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { bitmapIou, difference, iou, matchDetections, oracleCase, unpackMasks, withScores } from '@hrnetjs/test-utils';
import { expect } from 'vitest';
import { HybridTaskCascade } from './htc.js';
import { maskRois } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import type { OracleEngine } from './two-stage-oracle.test-helper.js';
import { createTwoStageDetector } from './two-stage.js';

// The checks of the HTC oracle cases made by tools/oracle/gen_htc.py from mmdetection 2.x's
// HybridTaskCascade (see each case's README.md: tiny HRNet + HRFPN HTCs with and without the
// semantic branch, rescaled metas), shared by the TF.js test and the onnxruntime test so both
// engines meet the same bars.

/** The HTC oracle cases. */
export const HTC_ORACLE_CASES = ['mmdet_htc', 'mmdet_htc_nosemantic', 'mmdet_htc_bbox_fusion'] as const;

/** The worst numbers of one case (both rescale settings), for the log and the caller's own bars. */
export interface HtcOracleWorst {
  detections: number;
  minBoxIou: number;
  maxScoreDiff: number;
  minMaskIou: number;
  /** Semantic feature vs mmdet's, of its std (0 without a semantic head). */
  semanticRelToStd: number;
  /** Per-stage mask logits on the official detections vs mmdet's, of their std. */
  maxMaskLogitsRelToStd: number;
}

interface CaseFiles {
  files: Record<string, { shape: number[] }>;
}

async function npy(dir: string, name: string) {
  return readNpyFile(`${dir}/${name}.npy`);
}

/**
 * Loads HTC oracle case `name`, runs `simpleTest` on `engine` (no tensor leak on a second call)
 * and checks proposals (≥ 99 % matched), every detection with and without rescaling (IoU ≥ 0.99,
 * same label, |Δscore| ≤ 1e-3), every mask (IoU ≥ 0.99), and on the engine's own neck levels the
 * semantic feature and each stage's mask logits on the official detections (≤ 1e-4 of their std).
 */
export async function checkHtcOracleCase(name: string, engine: OracleEngine): Promise<HtcOracleWorst> {
  const c = oracleCase(name);
  const files = (c.manifest as unknown as CaseFiles).files;
  const model = createTwoStageDetector(parseModelConfig(c.configText));
  expect(model).toBeInstanceOf(HybridTaskCascade);
  const htc = model as HybridTaskCascade;
  const report = model.load(readCheckpoint(c.checkpoint).stateDict);
  expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
  const x = fromNCHW(await readNpyFile(c.inputPath));
  const worst: HtcOracleWorst = { detections: 0, minBoxIou: 1, maxScoreDiff: 0, minMaskIou: 1, semanticRelToStd: 0, maxMaskLogitsRelToStd: 0 };
  const tag = `${engine.label} ${name}`;
  try {
    await engine.prepare?.(model);
    const sessions = model.onnxSessions ?? undefined;
    const result = await model.simpleTest(x);
    const before = tf.memory().numTensors;
    const again = await model.simpleTest(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(again.scores).toEqual(result.scores);

    const proposals = (await npy(c.dir, 'proposals')).values as Float32Array;
    expect(result.proposals.length).toBe(proposals.length);
    expect(matchDetections(proposals, result.proposals).length / (proposals.length / 5)).toBeGreaterThanOrEqual(0.99);

    for (const suffix of ['', '_noscale']) {
      const r = suffix ? await model.simpleTest(x, undefined, { rescale: false }) : result;
      const ref = (await npy(c.dir, `det_bboxes${suffix}`)).values as Float32Array;
      const labels = (await npy(c.dir, `det_labels${suffix}`)).values as Int32Array;
      const actual = withScores(r.bboxes, r.scores);
      const pairs = matchDetections(ref, actual, { referenceLabels: labels, actualLabels: r.labels });
      expect(r.scores.length).toBe(labels.length);
      expect(pairs.length, `${tag}${suffix}: matched detections`).toBe(labels.length);
      worst.detections += pairs.length;
      const shape = files[`masks${suffix}_packed`].shape;
      const refMasks = unpackMasks((await npy(c.dir, `masks${suffix}_packed`)).values as Uint8Array, shape[0], shape[1], shape[2]);
      expect([r.masks?.height, r.masks?.width, r.masks?.masks.length]).toEqual([shape[1], shape[2], shape[0]]);
      for (const [i, j] of pairs) {
        worst.minBoxIou = Math.min(worst.minBoxIou, iou(ref.subarray(5 * i, 5 * i + 4), actual.subarray(5 * j, 5 * j + 4)));
        worst.maxScoreDiff = Math.max(worst.maxScoreDiff, Math.abs(ref[5 * i + 4] - actual[5 * j + 4]));
      }
      const ious = pairs.map(([i, j]) => bitmapIou(refMasks[i], r.masks!.masks[j]));
      worst.minMaskIou = Math.min(worst.minMaskIou, ...ious);
      console.log(`[${tag}${suffix}] ${pairs.length}/${labels.length} detections; min mask IoU ${Math.min(...ious).toFixed(5)}`);
      for (const v of ious) expect(v).toBeGreaterThanOrEqual(0.99);
    }
    expect(worst.minBoxIou).toBeGreaterThanOrEqual(0.99);
    expect(worst.maxScoreDiff).toBeLessThanOrEqual(1e-3);

    // The heads alone on the official detections (and the engine's own neck levels): semantic
    // feature, each stage's mask logits.
    const { features } = await model.hostFeatures(x);
    if (files.semantic_feat) {
      const ref = await npy(c.dir, 'semantic_feat');
      const ours = await htc.roiHead.semanticFeatures(features, sessions?.semanticHead);
      expect([1, ours.channels, ours.height, ours.width]).toEqual(ref.shape);
      worst.semanticRelToStd = difference(fromNhwcHost(ours), ref.values as Float32Array).relToStd;
      console.log(`[${tag}] semantic feature relToStd ${worst.semanticRelToStd.toExponential(2)}`);
      expect(worst.semanticRelToStd).toBeLessThan(1e-4);
    } else {
      expect(htc.roiHead.semanticHead).toBeNull();
    }
    const ref = (await npy(c.dir, 'det_bboxes')).values as Float32Array;
    const labels = (await npy(c.dir, 'det_labels')).values as Int32Array;
    const logits = await npy(c.dir, 'mask_logits');
    const boxes = Float32Array.from({ length: labels.length * 4 }, (_, k) => ref[5 * Math.floor(k / 4) + (k % 4)]);
    const rois = maskRois(boxes, model.detector.imgMeta!.scaleFactor, true);
    const stageLogits = await model.roiHead.stageMaskLogits!(features, rois, labels, sessions);
    expect(stageLogits.length).toBe(logits.shape[0]);
    const per = logits.shape[1] * logits.shape[2] * logits.shape[3];
    stageLogits.forEach((l, s) => {
      const d = difference(l, (logits.values as Float32Array).subarray(s * per, (s + 1) * per)).relToStd;
      worst.maxMaskLogitsRelToStd = Math.max(worst.maxMaskLogitsRelToStd, d);
      console.log(`[${tag}] stage ${s} mask logits relToStd ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-4);
    });
    console.log(
      `[${tag}] worst: box IoU ${worst.minBoxIou.toFixed(5)}, |Δscore| ${worst.maxScoreDiff.toExponential(2)}, mask IoU ${worst.minMaskIou.toFixed(5)}, ` +
        `semantic ${worst.semanticRelToStd.toExponential(2)}, mask logits ${worst.maxMaskLogitsRelToStd.toExponential(2)} of std (${worst.detections} detections)`,
    );
    return worst;
  } finally {
    x.dispose();
    await model.releaseOnnx();
    model.dispose();
  }
}

/** HWC host feature map → CHW order (the official NCHW layout, batch 1). */
function fromNhwcHost(f: FeatureMap): Float32Array {
  const out = new Float32Array(f.data.length);
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) for (let ch = 0; ch < f.channels; ch++) out[(ch * f.height + y) * f.width + x] = f.data[(y * f.width + x) * f.channels + ch];
  return out;
}
