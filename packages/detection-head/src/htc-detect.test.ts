import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeMask, encodeMask } from '@hrnetjs/core';
import { readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath, matchOracleMasks, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import { HybridTaskCascade } from './htc.js';

// tools/oracle/cases/mmdet_htc_pipeline: a tiny HTC (semantic branch, mask information flow) on
// det_pipeline/image.png through mmdet's own test pipeline (README there).
const dir = join(repoRoot(), 'tools/oracle/cases/mmdet_htc_pipeline');

describe('createDetector(HTC checkpoint + mmdet dict).detect: image in, boxes + masks out, as mmdet inference_detector (wasm)', () => {
  it('matches the official detections and masks on the original image; RLE round-trips; no tensor leaks', async () => {
    await useBackend('wasm');
    const detector = await createDetector({ weights: new Uint8Array(readFileSync(join(dir, 'model.pth'))), config: join(dir, 'config.json') });
    expect(detector.model).toBeInstanceOf(HybridTaskCascade);
    const image = await readImageFile(fixturePath('det_pipeline', 'image.png'));
    const detections = await detector.detect(image);
    const before = tf.memory().numTensors;
    expect(await detector.detect(image, { scoreThreshold: 0.9999999 })).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);

    const { n, height: h, width: w, pairs, maskIous: ious, maxScoreDiff: dScore } = await matchOracleMasks(dir, detections, (j) => detections[j].mask!.data, readNpyFile);
    expect(detections).toHaveLength(n);
    expect(pairs).toHaveLength(n);
    console.log(`[htc pipeline] ${pairs.length}/${n} detections, max |Δscore| ${dScore.toExponential(2)}, min mask IoU ${Math.min(...ious).toFixed(5)}`);
    for (const v of ious) expect(v).toBeGreaterThanOrEqual(0.99);
    for (const d of detections) {
      expect([d.mask!.width, d.mask!.height]).toEqual([w, h]);
      expect(d.mask!.rle).toEqual(encodeMask(d.mask!.data, h, w));
      expect(Buffer.compare(decodeMask(d.mask!.rle), d.mask!.data)).toBe(0);
    }
    detector.dispose();
  });
});
