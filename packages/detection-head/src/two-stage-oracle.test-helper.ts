import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { bitmapIou, difference, iou, matchDetections, oracleCase, unpackMasks, withScores } from '@hrnetjs/test-utils';
import { expect } from 'vitest';
import { MaskRoIHead } from './mask-roi-head.js';
import { getSegMasks, maskRois } from './paste-mask.js';
import type { DetectorOnnxSessions } from './faster-rcnn.js';
import type { FeatureMap } from './roi-align.js';
import { createTwoStageDetector, type TwoStageDetector } from './two-stage.js';

// The checks of the mask / cascade oracle cases (tools/oracle/gen_mask.py, mmdetection 2.x; see each
// case's README.md: tiny HRNet + HRFPN detectors with non-default heads, 7 classes, rescaled image
// metas), shared by the TF.js test and the onnxruntime test so both engines meet the same bars, and
// by the HTC cases (htc-oracle.test-helper.ts adds its semantic-feature check).

/** The oracle cases of Mask R-CNN, Cascade R-CNN and Cascade Mask R-CNN. */
export const TWO_STAGE_ORACLE_CASES = ['mmdet_mask_rcnn', 'mmdet_mask_rcnn_agnostic', 'mmdet_cascade_mask_rcnn', 'mmdet_cascade_rcnn'] as const;

/** How a test runs the loaded detector: as it is (TF.js), or after `prepare` (e.g. `useOnnx`). */
export interface OracleEngine {
  label: string;
  prepare?(model: TwoStageDetector): Promise<void>;
}

/** The worst numbers of one case (both rescale settings), for the log and the caller's own bars. */
export interface OracleWorst {
  detections: number;
  minBoxIou: number;
  maxScoreDiff: number;
  /** Before the near-threshold allowance (1 when the case has no masks). */
  minMaskIou: number;
  /** Per-stage mask logits on the official detections vs mmdet's (0 without masks). */
  maxMaskLogitsRelToStd: number;
}

interface CaseFiles {
  files: Record<string, { shape: number[] }>;
}

/** What a family-specific check gets: the loaded model, the engine's own neck levels, the case. */
export interface OracleHeadCheckContext {
  model: TwoStageDetector;
  features: FeatureMap[];
  sessions: DetectorOnnxSessions | undefined;
  dir: string;
  files: CaseFiles['files'];
  tag: string;
}

/** Options of {@link checkTwoStageOracleCase}. */
export interface OracleCaseOptions {
  /** The class the case's config must build. */
  modelClass?: abstract new (...args: never[]) => unknown;
  /** More checks of the heads on the official detections (e.g. HTC's semantic feature). */
  headChecks?(context: OracleHeadCheckContext): Promise<void>;
}

async function npy(dir: string, name: string) {
  return readNpyFile(`${dir}/${name}.npy`);
}

/**
 * Loads oracle case `name`, runs `simpleTest` on `engine` and checks proposals (≥ 99 % matched),
 * every detection with and without rescaling (IoU ≥ 0.99, same label, |Δscore| ≤ 1e-3), every
 * mask (IoU ≥ 0.99, or else only pixels within 1e-4 of mask_thr_binary differ) and the mask
 * logits of each stage on the official detections (≤ 1e-4 of their std).
 */
export async function checkTwoStageOracleCase(name: string, engine: OracleEngine, options: OracleCaseOptions = {}): Promise<OracleWorst> {
  const c = oracleCase(name);
  const files = (c.manifest as unknown as CaseFiles).files;
  const model = createTwoStageDetector(parseModelConfig(c.configText));
  if (options.modelClass) expect(model).toBeInstanceOf(options.modelClass);
  const report = model.load(readCheckpoint(c.checkpoint).stateDict);
  expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
  const x = fromNCHW(await readNpyFile(c.inputPath));
  const worst: OracleWorst = { detections: 0, minBoxIou: 1, maxScoreDiff: 0, minMaskIou: 1, maxMaskLogitsRelToStd: 0 };
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
      const ours = withScores(r.bboxes, r.scores);
      const pairs = matchDetections(ref, ours, { referenceLabels: labels, actualLabels: r.labels });
      expect(r.scores.length).toBe(labels.length);
      expect(pairs.length, `${tag}${suffix}: matched detections`).toBe(labels.length);
      worst.detections += pairs.length;
      for (const [i, j] of pairs) {
        worst.minBoxIou = Math.min(worst.minBoxIou, iou(ref.subarray(5 * i, 5 * i + 4), ours.subarray(5 * j, 5 * j + 4)));
        worst.maxScoreDiff = Math.max(worst.maxScoreDiff, Math.abs(ref[5 * i + 4] - ours[5 * j + 4]));
      }
      if (!files[`masks${suffix}_packed`]) continue;
      const shape = files[`masks${suffix}_packed`].shape;
      const refMasks = unpackMasks((await npy(c.dir, `masks${suffix}_packed`)).values as Uint8Array, shape[0], shape[1], shape[2]);
      expect([r.masks?.height, r.masks?.width, r.masks?.masks.length]).toEqual([shape[1], shape[2], shape[0]]);
      const ious = pairs.map(([i, j]) => bitmapIou(refMasks[i], r.masks!.masks[j]));
      worst.minMaskIou = Math.min(worst.minMaskIou, ...ious);
      console.log(`[${tag}${suffix}] ${pairs.length}/${labels.length} detections; min mask IoU ${Math.min(...ious).toFixed(5)}`);
      const low = ious.map((v, k) => [v, k] as const).filter(([v]) => v < 0.99);
      if (low.length > 0) {
        // Tiny masks: one pixel can cost 1.5 % IoU. Accept only pixels within 1e-4 of mask_thr_binary:
        // the official mask must lie between ours binarised at thr + 1e-4 and at thr − 1e-4.
        expect(model.roiHead, 'only single-stage mask heads are re-pasted here').toBeInstanceOf(MaskRoIHead);
        const head = model.roiHead as unknown as MaskRoIHead;
        const { features } = await model.hostFeatures(x);
        const meta = model.detector.imgMeta!;
        const rescale = !suffix;
        const rois = maskRois(r.bboxes, meta.scaleFactor, rescale);
        const { probs } = await head.maskForward(features, rois, r.labels, sessions?.maskHeads[0]);
        const [tight, loose] = [1e-4, -1e-4].map((d) => getSegMasks(probs, head.maskHead.maskSize, rois, meta, rescale, head.maskThrBinary + d));
        for (const [v, k] of low) {
          const [i, j] = pairs[k];
          const between = refMasks[i].every((p, q) => tight.masks[j][q] <= p && p <= loose.masks[j][q]);
          console.log(`[${tag}${suffix}] detection ${i}: mask IoU ${v.toFixed(4)} from pixels within 1e-4 of the threshold: ${between}`);
          expect(between).toBe(true);
        }
      }
    }

    const { features } = await model.hostFeatures(x);
    await options.headChecks?.({ model, features, sessions, dir: c.dir, files, tag });
    if (!files.mask_logits) {
      expect(result.masks).toBeUndefined();
    } else {
      // The mask heads alone on the official detections: logits of each detection's label channel.
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
    }
    console.log(
      `[${tag}] worst: box IoU ${worst.minBoxIou.toFixed(5)}, |Δscore| ${worst.maxScoreDiff.toExponential(2)}, mask IoU ${worst.minMaskIou.toFixed(5)}, ` +
        `mask logits ${worst.maxMaskLogitsRelToStd.toExponential(2)} of std (${worst.detections} detections)`,
    );
    return worst;
  } finally {
    x.dispose();
    await model.releaseOnnx();
    model.dispose();
  }
}
