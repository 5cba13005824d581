import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { iou, matchDetections, oracleCase, oracleDifferences, withScores } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { FCOS } from './fcos.js';
import type { Detections } from './multiclass-nms.js';

// Oracle cases made by tools/oracle/gen_fcos.py from mmdetection 2.x (see each case's README.md):
// tiny HRNet + HRFPN FCOS models, 3 classes, GN / no-norm towers, norm_on_bbox and centerness_on_reg
// on and off, HRFPN stride 1 and 2, rescaled image metas.
const TOLERANCE = 1e-4;

/** Every reference detection found (IoU ≥ 0.99, same label, |Δscore| ≤ 1e-3); the worst IoU and score gap. */
async function expectDetections(dir: string, suffix: string, r: Detections, what: string): Promise<{ minIou: number; maxScoreGap: number }> {
  const ref = (await readNpyFile(`${dir}/det_bboxes${suffix}.npy`)).values as Float32Array;
  const labels = (await readNpyFile(`${dir}/det_labels${suffix}.npy`)).values as Int32Array;
  const ours = withScores(r.bboxes, r.scores);
  const pairs = matchDetections(ref, ours, { referenceLabels: labels, actualLabels: r.labels });
  expect(r.scores.length, `${what}: detections`).toBe(labels.length);
  expect(pairs.length, `${what}: matched detections`).toBe(labels.length);
  const ious = pairs.map(([i, j]) => iou(ref.subarray(5 * i, 5 * i + 4), ours.subarray(5 * j, 5 * j + 4)));
  const gaps = pairs.map(([i, j]) => Math.abs(ref[5 * i + 4] - ours[5 * j + 4]));
  for (let i = 1; i < r.scores.length; i++) expect(r.scores[i]).toBeLessThanOrEqual(r.scores[i - 1]);
  return { minIou: Math.min(...ious), maxScoreGap: Math.max(...gaps) };
}

describe('FCOS matches mmdetection 2.x oracle cases (wasm)', () => {
  it.each(['mmdet_fcos', 'mmdet_fcos_normbbox', 'mmdet_fcos_nonorm'])(
    '%s: neck levels and head maps within 1e-4 of std; detections with and without rescale',
    async (name) => {
      await useBackend('wasm');
      const c = oracleCase(name);
      const model = new FCOS(parseModelConfig(c.configText));
      const report = model.load(readCheckpoint(c.checkpoint).stateDict);
      expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
      const x = fromNCHW(await readNpyFile(c.inputPath));
      const outputs = model.forwardNamed(x);
      const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
      tf.dispose(Object.values(outputs));
      const worst = Object.entries(rel).sort((a, b) => b[1] - a[1])[0];
      console.log(`[${name}] ${Object.keys(rel).length} maps, worst ${worst[0]} ${worst[1].toExponential(2)} of std`);
      for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);

      const before = tf.memory().numTensors;
      for (const suffix of ['', '_noscale']) {
        const r = await model.simpleTest(x, undefined, suffix ? { rescale: false } : {});
        const { minIou, maxScoreGap } = await expectDetections(c.dir, suffix, r, `${name}${suffix}`);
        console.log(`[${name}${suffix}] ${r.scores.length} detections matched; min IoU ${minIou.toFixed(6)}, max |Δscore| ${maxScoreGap.toExponential(2)}`);
      }
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    },
  );
});
