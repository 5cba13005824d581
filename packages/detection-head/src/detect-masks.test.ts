import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeMask, encodeMask, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { createOrtSession, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath, matchOracleMasks, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import { MaskRCNN } from './mask-rcnn.js';

// tools/oracle/cases/mmdet_mask_rcnn_pipeline: a tiny Mask R-CNN on det_pipeline/image.png through
// mmdet's own test pipeline (README there).
const dir = join(repoRoot(), 'tools/oracle/cases/mmdet_mask_rcnn_pipeline');

describe('createDetector(MaskRCNN).detect: image in, boxes + masks out, as mmdet inference_detector', () => {
  it.each(['wasm', 'onnxruntime'] as const)('%s: matches the official detections and masks on the original image; RLE round-trips; no tensor leaks', async (engine) => {
    await useBackend('wasm');
    const model = new MaskRCNN(parseModelConfig(readFileSync(join(dir, 'config.json'), 'utf8')));
    const report = model.load(readCheckpoint(new Uint8Array(readFileSync(join(dir, 'model.pth')))).stateDict);
    expect(report.missing).toEqual([]);
    const detector = await createDetector(model);
    if (engine === 'onnxruntime') await detector.useOnnx((bytes) => createOrtSession(bytes, { intraOpNumThreads: 1 }));
    const image = await readImageFile(fixturePath('det_pipeline', 'image.png'));
    const detections = await detector.detect(image);
    const before = tf.memory().numTensors;
    // No detection left: no mask either, and still no tensor left behind.
    expect(await detector.detect(image, { scoreThreshold: 0.9999999 })).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);

    const { n, height: h, width: w, pairs, maskIous: ious } = await matchOracleMasks(dir, detections, (j) => detections[j].mask!.data, readNpyFile);
    expect(detections).toHaveLength(n);
    expect(pairs).toHaveLength(n);
    console.log(`[pipeline ${engine}] ${pairs.length}/${n} detections, min mask IoU ${Math.min(...ious).toFixed(5)}`);
    for (const v of ious) expect(v).toBeGreaterThanOrEqual(0.99);
    for (const d of detections) {
      expect([d.mask!.width, d.mask!.height]).toEqual([w, h]);
      expect(d.mask!.rle).toEqual(encodeMask(d.mask!.data, h, w));
      expect(Buffer.compare(decodeMask(d.mask!.rle), d.mask!.data)).toBe(0);
    }
    await detector.releaseOnnx();
    detector.dispose();
  });
});
