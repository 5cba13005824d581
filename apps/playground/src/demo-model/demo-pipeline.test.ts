import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readImageFile, useBackend } from '@hrnetjs/core/node';
import { createDetector } from '@hrnetjs/detection-head';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEIGHT_FILES, type DemoModels, loadDemoModels } from './index.js';
import { runDemo } from './demo-pipeline.js';
import { defaultWeightsDir, samplesDir } from './paths.js';
import { DEMO_SAMPLES } from './samples.js';

let models: DemoModels;

beforeAll(async () => {
  await useBackend('wasm');
  const dir = defaultWeightsDir();
  models = loadDemoModels({ multiTask: await readFile(join(dir, DEMO_WEIGHT_FILES.multiTask)), pose: await readFile(join(dir, DEMO_WEIGHT_FILES.pose)) });
});

describe('the demo pipeline on the shipped weights and samples', () => {
  it('detections from the shared pass equal the single-task detector; labels cover the image; poses have 17 keypoints', async () => {
    const image = await readImageFile(join(samplesDir(), DEMO_SAMPLES[0].file));
    const result = await runDemo(models, image, { scoreThreshold: 0.05 });
    const alone = await (await createDetector(models.multiTask.detector)).detect(image, { scoreThreshold: 0.05 });
    expect(result.detections.length).toBe(alone.length);
    result.detections.forEach((d, i) => {
      expect(d.label).toBe(alone[i].label);
      expect(d.score).toBeCloseTo(alone[i].score, 5);
      for (const k of ['xmin', 'ymin', 'xmax', 'ymax'] as const) expect(d.box[k]).toBeCloseTo(alone[i].box[k], 3);
    });
    const seg = result.segmentation!;
    expect([seg.width, seg.height]).toEqual([image.width, image.height]);
    expect(seg.labels.length).toBe(image.width * image.height);
    expect(seg.counts.reduce((a, b) => a + b)).toBe(image.width * image.height);
    expect(seg.classes).toEqual(['background', 'person', 'ball', 'box', 'kite']);
    const people = result.detections.filter((d) => d.label === 'person' && d.score > 0.3).length;
    expect(result.poses.length).toBeLessThanOrEqual(people);
    for (const pose of result.poses) {
      expect(pose.keypoints.map((k) => k.name)).toHaveLength(17);
      for (const k of pose.keypoints) expect(Number.isFinite(k.x) && Number.isFinite(k.y)).toBe(true);
    }
  });

  it('task switches skip work, and repeated runs leak no tensor', async () => {
    const image = await readImageFile(join(samplesDir(), DEMO_SAMPLES[1].file));
    const noSeg = await runDemo(models, image, { tasks: { segment: false, pose: false } });
    expect(noSeg.segmentation).toBeUndefined();
    expect(noSeg.poses).toEqual([]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await runDemo(models, image);
    expect(tf.memory().numTensors).toBe(before);
  });
});
