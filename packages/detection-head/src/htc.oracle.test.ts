import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { bitmapIou, difference, matchDetections, oracleCase, unpackMasks, withScores } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { HybridTaskCascade } from './htc.js';
import { maskRois } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import { createTwoStageDetector } from './two-stage.js';

// Oracle cases made by tools/oracle/gen_htc.py from mmdetection 2.x's HybridTaskCascade (see each
// case's README.md): tiny HRNet + HRFPN HTCs with and without the semantic branch, rescaled metas.
interface CaseFiles {
  files: Record<string, { shape: number[] }>;
}

async function npy(dir: string, name: string) {
  return readNpyFile(`${dir}/${name}.npy`);
}

/** Box IoU of two [x1, y1, x2, y2] rows (as matchDetections computes it). */
function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const w = Math.max(0, Math.min(a[5 * i + 2], b[5 * j + 2]) - Math.max(a[5 * i], b[5 * j]));
  const h = Math.max(0, Math.min(a[5 * i + 3], b[5 * j + 3]) - Math.max(a[5 * i + 1], b[5 * j + 1]));
  const area = (r: ArrayLike<number>, k: number) => (r[5 * k + 2] - r[5 * k]) * (r[5 * k + 3] - r[5 * k + 1]);
  return (w * h) / (area(a, i) + area(b, j) - w * h);
}

describe('HybridTaskCascade matches mmdetection 2.x oracle cases (wasm)', () => {
  it.each(['mmdet_htc', 'mmdet_htc_nosemantic', 'mmdet_htc_bbox_fusion'])('%s: proposals, detections (rescaled and not), masks, semantic feature, stage mask logits', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const files = (c.manifest as unknown as CaseFiles).files;
    const model = createTwoStageDetector(parseModelConfig(c.configText));
    expect(model).toBeInstanceOf(HybridTaskCascade);
    const htc = model as HybridTaskCascade;
    const report = model.load(readCheckpoint(c.checkpoint).stateDict);
    expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
    const x = fromNCHW(await readNpyFile(c.inputPath));
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
      expect(pairs.length, `${name}${suffix}: matched detections`).toBe(labels.length);
      const shape = files[`masks${suffix}_packed`].shape;
      const refMasks = unpackMasks((await npy(c.dir, `masks${suffix}_packed`)).values as Uint8Array, shape[0], shape[1], shape[2]);
      expect([r.masks?.height, r.masks?.width, r.masks?.masks.length]).toEqual([shape[1], shape[2], shape[0]]);
      const ious = pairs.map(([i, j]) => bitmapIou(refMasks[i], r.masks!.masks[j]));
      const boxIous = pairs.map(([i, j]) => boxIou(ref, i, actual, j));
      const dScore = Math.max(...pairs.map(([i, j]) => Math.abs(ref[5 * i + 4] - actual[5 * j + 4])));
      console.log(
        `[${name}${suffix}] ${pairs.length}/${labels.length} detections; min box IoU ${Math.min(...boxIous).toFixed(6)}, max |Δscore| ${dScore.toExponential(2)}, min mask IoU ${Math.min(...ious).toFixed(5)}`,
      );
      for (const v of ious) expect(v).toBeGreaterThanOrEqual(0.99);
    }

    // The heads alone on the official detections: semantic feature, each stage's mask logits.
    const levels = model.neckLevels(x);
    let features: FeatureMap[];
    try {
      features = await Promise.all(levels.map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })));
    } finally {
      tf.dispose(levels);
    }
    x.dispose();
    if (files.semantic_feat) {
      const ref = await npy(c.dir, 'semantic_feat');
      const ours = await htc.roiHead.semanticFeatures(features);
      expect([1, ours.channels, ours.height, ours.width]).toEqual(ref.shape);
      const d = difference(fromNchwHost(ours), ref.values as Float32Array).relToStd;
      console.log(`[${name}] semantic feature relToStd ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-4);
    } else {
      expect(htc.roiHead.semanticHead).toBeNull();
    }
    const ref = (await npy(c.dir, 'det_bboxes')).values as Float32Array;
    const labels = (await npy(c.dir, 'det_labels')).values as Int32Array;
    const logits = await npy(c.dir, 'mask_logits');
    const boxes = Float32Array.from({ length: labels.length * 4 }, (_, k) => ref[5 * Math.floor(k / 4) + (k % 4)]);
    const rois = maskRois(boxes, model.detector.imgMeta!.scaleFactor, true);
    const stageLogits = await model.roiHead.stageMaskLogits!(features, rois, labels);
    expect(stageLogits.length).toBe(logits.shape[0]);
    const per = logits.shape[1] * logits.shape[2] * logits.shape[3];
    stageLogits.forEach((l, s) => {
      const d = difference(l, (logits.values as Float32Array).subarray(s * per, (s + 1) * per)).relToStd;
      console.log(`[${name}] stage ${s} mask logits relToStd ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-4);
    });
    model.dispose();
  });
});

/** HWC host feature map → CHW order (the official NCHW layout, batch 1). */
function fromNchwHost(f: FeatureMap): Float32Array {
  const out = new Float32Array(f.data.length);
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) for (let ch = 0; ch < f.channels; ch++) out[(ch * f.height + y) * f.width + x] = f.data[(y * f.width + x) * f.channels + ch];
  return out;
}
