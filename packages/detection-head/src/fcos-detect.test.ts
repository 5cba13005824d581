import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint } from '@hrnetjs/core';
import { readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath, iou, matchDetections, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import { FCOS } from './fcos.js';

// tools/oracle/cases/mmdet_fcos_pipeline: a tiny FCOS on det_pipeline/image.png through the FCOS-HRNet
// test pipeline (BGR input, README there); its config.json is a whole mmdet config (img_norm_cfg to_rgb False).
const dir = join(repoRoot(), 'tools/oracle/cases/mmdet_fcos_pipeline');

describe('createDetector(FCOS).detect: image in, boxes out, as mmdet inference_detector (wasm)', () => {
  it('matches the official detections on the original image; options filter like the two-stage models; no tensor leaks', async () => {
    await useBackend('wasm');
    const weights = readCheckpoint(new Uint8Array(readFileSync(join(dir, 'model.pth'))));
    const detector = await createDetector({ weights, config: join(dir, 'config.json') });
    expect(detector.model).toBeInstanceOf(FCOS);
    expect(detector.model.testPipeline).toMatchObject({ toRgb: false, mean: [103.53, 116.28, 123.675], imgScale: [1333, 800] });
    const image = await readImageFile(fixturePath('det_pipeline', 'image.png'));
    const detections = await detector.detect(image);

    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const ref = (await readNpyFile(join(dir, 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(join(dir, 'det_labels.npy'))).values as Int32Array;
    const flat = detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]);
    const pairs = matchDetections(ref, flat, { referenceLabels: labels, actualLabels: detections.map((d) => d.labelId) });
    expect(detections).toHaveLength(manifest.num_detections);
    expect(pairs).toHaveLength(manifest.num_detections);
    const minIou = Math.min(...pairs.map(([i, j]) => iou(ref.subarray(5 * i, 5 * i + 4), flat.slice(5 * j, 5 * j + 4))));
    const maxGap = Math.max(...pairs.map(([i, j]) => Math.abs(ref[5 * i + 4] - flat[5 * j + 4])));
    console.log(`[fcos pipeline] ${pairs.length}/${manifest.num_detections} detections; min IoU ${minIou.toFixed(6)}, max |Δscore| ${maxGap.toExponential(2)}`);
    expect(detections[0].label).toBe(`class_${detections[0].labelId}`);

    // RGB input instead of the config's BGR finds other boxes: the channel order matters.
    detector.model.testPipeline = { ...detector.model.testPipeline, toRgb: true };
    const rgb = await detector.detect(image);
    expect(matchDetections(ref, rgb.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score])).length).toBeLessThan(manifest.num_detections);
    detector.model.testPipeline = { ...detector.model.testPipeline, toRgb: false };

    const before = tf.memory().numTensors;
    const few = await detector.detect(image, { scoreThreshold: 0.98, classes: [2], maxDetections: 5 });
    const expected = detections.filter((d) => d.score > 0.98 && d.labelId === 2).slice(0, 5);
    expect(few).toEqual(expected);
    expect(few.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    detector.dispose();
  });
});
