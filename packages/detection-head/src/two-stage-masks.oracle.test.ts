import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { bitmapIou, difference, matchDetections, oracleCase, unpackMasks, withScores } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createTwoStageDetector } from './two-stage.js';
import { maskRois } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';

// Oracle cases made by tools/oracle/gen_mask.py from mmdetection 2.x (see each case's README.md):
// tiny HRNet + HRFPN detectors with non-default heads, 7 classes, rescaled image metas.
interface CaseFiles {
  files: Record<string, { shape: number[] }>;
}

async function npy(dir: string, name: string) {
  return readNpyFile(`${dir}/${name}.npy`);
}

describe('two-stage detectors with masks / cascades match mmdetection 2.x oracle cases (wasm)', () => {
  it.each(['mmdet_mask_rcnn', 'mmdet_cascade_mask_rcnn', 'mmdet_cascade_rcnn'])('%s: proposals, detections (rescaled and not), masks and mask logits', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const files = (c.manifest as unknown as CaseFiles).files;
    const model = createTwoStageDetector(parseModelConfig(c.configText));
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
      const pairs = matchDetections(ref, withScores(r.bboxes, r.scores), { referenceLabels: labels, actualLabels: r.labels });
      expect(r.scores.length).toBe(labels.length);
      expect(pairs.length, `${name}${suffix}: matched detections`).toBe(labels.length);
      if (!files[`masks${suffix}_packed`]) continue;
      const shape = files[`masks${suffix}_packed`].shape;
      const refMasks = unpackMasks((await npy(c.dir, `masks${suffix}_packed`)).values as Uint8Array, shape[0], shape[1], shape[2]);
      expect([r.masks?.height, r.masks?.width]).toEqual([shape[1], shape[2]]);
      const ious = pairs.map(([i, j]) => bitmapIou(refMasks[i], r.masks!.masks[j]));
      console.log(`[${name}${suffix}] ${pairs.length}/${labels.length} detections; min mask IoU ${Math.min(...ious).toFixed(5)}`);
      for (const v of ious) expect(v).toBeGreaterThanOrEqual(0.99);
    }

    if (!files.mask_logits) {
      expect(result.masks).toBeUndefined();
      tf.dispose(x);
      model.dispose();
      return;
    }
    // The mask head alone on the official detections: logits of each detection's label channel.
    const levels = model.neckLevels(x);
    const features: FeatureMap[] = await Promise.all(
      levels.map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
    );
    tf.dispose([x, ...levels]);
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
