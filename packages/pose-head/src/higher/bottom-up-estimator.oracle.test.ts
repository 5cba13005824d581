import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateCoco, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { type BottomUpPose, bottomUpCocoResults, createBottomUpEstimator } from './bottom-up-estimator.js';
import { parseHigherHRNetConfig } from './higher-config.js';
import { HigherHRNetModel } from './pose-higher-hrnet.js';

// tools/valid.py's test through the official transforms / inference / group code
// (tools/oracle/gen_higher.py; see each case's README.md).
interface Grouped {
  center: [number, number];
  scale: [number, number];
  input_sizes: Array<[number, number]>;
  band: [number, number];
  final_heatmaps_shape: number[];
  tags_shape: number[];
  final_results: number[][][];
  scores: number[];
}

async function load(name: string) {
  const c = oracleCase(name);
  const model = new HigherHRNetModel(parseHigherHRNetConfig(c.configText));
  model.load(readCheckpoint(c.checkpoint).stateDict);
  const img = await readNpyFile(join(c.dir, 'image.npy'));
  const [height, width] = img.shape;
  const image = { data: Uint8Array.from(img.values as ArrayLike<number>), width, height };
  const expected = JSON.parse(readFileSync(join(c.dir, 'grouped.json'), 'utf8')) as Grouped;
  return { c, model, image, expected };
}

/** Rows [r0, r1) of a [C, H, W, ...rest] array. */
function band(values: Float32Array, shape: readonly number[], r0: number, r1: number): Float32Array {
  const [C, H] = shape;
  const inner = values.length / (C * H);
  const out = new Float32Array(C * (r1 - r0) * inner);
  for (let c = 0; c < C; c++) out.set(values.subarray((c * H + r0) * inner, (c * H + r1) * inner), c * (r1 - r0) * inner);
  return out;
}

describe('the bottom-up estimator matches the official HigherHRNet test (wasm)', () => {
  it.each(['higher_coco_ms_flip', 'higher_crowd_3out', 'higher_coco_plain'])('%s: maps within 1e-4 of std, same people within 0.5 px, same COCOeval stats (17 joints)', async (name) => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const { c, model, image, expected } = await load(name);
    const estimator = createBottomUpEstimator(model);
    const maps = await estimator.inferMaps(image);
    expect(maps.inputSizes).toEqual(expected.input_sizes);
    expect(maps.center).toEqual(expected.center);
    expect(maps.scale[0]).toBe(expected.scale[0]);
    expect(maps.scale[1]).toBe(expected.scale[1]);
    const [, J, H, W] = expected.final_heatmaps_shape;
    expect([maps.det.length, maps.height, maps.width]).toEqual([J * H * W, H, W]);
    expect([maps.tagMaps, maps.height, maps.width, maps.tagDim]).toEqual(expected.tags_shape.slice(1));
    const [r0, r1] = expected.band;
    const hm = await readNpyFile(join(c.dir, 'final_heatmaps_band.npy'));
    const tg = await readNpyFile(join(c.dir, 'tags_band.npy'));
    expect(difference(band(maps.det, [J, H, W], r0, r1), hm.values as Float32Array).relToStd).toBeLessThan(1e-4);
    expect(difference(band(maps.tag, expected.tags_shape.slice(1), r0, r1), tg.values as Float32Array).relToStd).toBeLessThan(1e-4);

    const poses = estimator.posesFromMaps(maps);
    expect(poses.length).toBe(expected.final_results.length);
    expect(poses.length).toBeGreaterThan(2);
    let worst = 0;
    poses.forEach((pose, i) => {
      expect(pose.score).toBeCloseTo(expected.scores[i], 4);
      pose.keypoints.forEach((k, j) => {
        const [x, y, score] = expected.final_results[i][j];
        worst = Math.max(worst, Math.abs(k.x - x), Math.abs(k.y - y));
        expect(k.score).toBeCloseTo(score, 4);
      });
    });
    expect(worst).toBeLessThan(0.5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    if (expected.final_results[0].length === 17) cocoStatsEqual(c.dir, poses);
  });
});

/** COCOeval (ours, itself checked against pycocotools) gives the same stats on our and the official results. */
function cocoStatsEqual(dir: string, poses: BottomUpPose[]): void {
  const gt = JSON.parse(readFileSync(join(dir, 'gt.json'), 'utf8'));
  const official = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Array<{ keypoints: number[]; score: number }>;
  const ours = bottomUpCocoResults(poses, 1);
  expect(ours.length).toBe(official.length);
  ours.forEach((r, i) => expect(r.score).toBeCloseTo(official[i].score, 4));
  const a = evaluateCoco({ gt, results: ours, iouType: 'keypoints' }).stats;
  const b = evaluateCoco({ gt, results: official, iouType: 'keypoints' }).stats;
  expect(b[0]).toBeGreaterThan(0);
  expect(b[0]).toBeLessThan(1);
  a.forEach((v, i) => expect(v, `stat ${i}`).toBeCloseTo(b[i], 6));
}
