import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { type Checkpoint, decodeImage, type TensorData } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath, matchedFraction } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from './detect.js';
import type { FasterRCNN } from './faster-rcnn.js';

let model: Detector;
let image: Awaited<ReturnType<typeof decodeImage>>;
let weights: Map<string, TensorData>;

beforeAll(async () => {
  await useBackend('wasm');
  // Through the task API: the two weight files merged + the mmdet model dict (JSON) path.
  weights = new Map([
    ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
    ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
  ]);
  model = await createDetector({ weights, config: fixturePath('det', 'faster_rcnn_tiny_full_config.json') });
  image = await decodeImage(readFileSync(fixturePath('det_pipeline', 'image.png')));
});

describe('createDetector(…).detect on det_pipeline/image.png (mmdet 2.x pipeline + tiny detector, wasm)', () => {
  it('returns the reference detections in original-image pixels, matched as a set, score-descending', async () => {
    const detections = await model.detect(image);
    const bboxes = (await readNpyFile(fixturePath('det_pipeline', 'det_bboxes.npy'))).values as Float32Array;
    const labels = (await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as Int32Array;
    expect(detections).toHaveLength(100);
    const flat = Float32Array.from(detections.flatMap((d) => [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax, d.score]));
    const m = matchedFraction(bboxes, flat, { referenceLabels: labels, actualLabels: Int32Array.from(detections, (d) => d.labelId) });
    console.log(`det_pipeline detections matched ${m.matched}/${m.total}`);
    expect(m.fraction).toBeGreaterThanOrEqual(0.98);
    for (let i = 1; i < detections.length; i++) expect(detections[i].score).toBeLessThanOrEqual(detections[i - 1].score);
    expect(detections[0].label).toBe(model.classNames[detections[0].labelId]);
    // The README's classes [24, 47, 64] are COCO's backpack, apple and mouse (mmdet CLASSES order).
    expect(new Set(detections.map((d) => d.label))).toEqual(new Set(['backpack', 'apple', 'mouse']));
  });

  it('honours scoreThreshold, classes and maxDetections exactly like a filter of the full result', async () => {
    const all = await model.detect(image);
    const few = await model.detect(image, { scoreThreshold: 0.8, classes: ['apple', 64], maxDetections: 5 });
    const expected = all.filter((d) => d.score > 0.8 && (d.label === 'apple' || d.labelId === 64)).slice(0, 5);
    expect(few).toEqual(expected);
    expect(few.length).toBeGreaterThan(0);
    await expect(model.detect(image, { classes: ['unicorn'] })).rejects.toThrow(/unknown class "unicorn"/);
    await expect(model.detect(image, { maxDetections: 0 })).rejects.toThrow(/maxDetections must be a positive integer/);
  });

  it('keeps tf.memory().numTensors constant over 20 detect() calls', async () => {
    await model.detect(image);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      await model.detect(image, { maxDetections: 10 });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('createDetector class names', () => {
  it("take the checkpoint's meta.CLASSES (mmdet init_detector), options.classNames win, and mis-sized lists are refused", async () => {
    const names = Array.from({ length: 80 }, (_, i) => `thing${i}`);
    const checkpoint: Checkpoint = { format: 'torch-zip', wrapper: 'meta+state_dict', prefix: null, stateDict: weights, ignored: [], extras: { meta: { CLASSES: names } } };
    const config = fixturePath('det', 'faster_rcnn_tiny_full_config.json');
    const before = tf.memory().numTensors;
    const fromMeta = await createDetector({ weights: checkpoint, config });
    expect(fromMeta.classNames).toEqual(names);
    const [first] = await fromMeta.detect(image, { maxDetections: 1 });
    expect(first.label).toBe(`thing${first.labelId}`);
    fromMeta.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(createDetector({ weights, config }, { classNames: ['a', 'b'] })).rejects.toThrow(/expected 80 non-empty class names/);
    const { matchPreset } = await import('@hrnetjs/core');
    expect(matchPreset(weights)).toBeNull(); // the tiny detector is no preset: the config is needed
    await expect(createDetector(weights)).rejects.toThrow(/built a DetectionFeatureModel: they fit none of faster-rcnn-w18, .*cascade-mask-rcnn-w40.*htc-w40.*; pass \{ weights, config \}/);
  });
});

describe('FasterRCNN.simpleTest proposals on the det_pipeline input', () => {
  it('match mmdet proposals (network-input coordinates) as a set', async () => {
    const { preprocessForDetection } = await import('./preprocess.js');
    const input = preprocessForDetection(image);
    const x = tf.tensor4d(input.data, input.shape);
    const result = await (model.model as FasterRCNN).simpleTest(x, input.meta);
    x.dispose();
    const proposals = (await readNpyFile(fixturePath('det_pipeline', 'proposals.npy'))).values as Float32Array;
    const m = matchedFraction(proposals, result.proposals);
    console.log(`det_pipeline proposals matched ${m.matched}/${m.total}`);
    expect(m.fraction).toBeGreaterThanOrEqual(0.99);
  });
});
