import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, onnxRunner, type OnnxSession, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { BatchNorm2d, OnnxGraph, randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, oracleCase, oracleDifferences, repoRoot } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BottomUpPose, createBottomUpEstimator } from './bottom-up-estimator.js';
import { ConvTranspose2d } from './conv-transpose.js';
import { type HigherHRNetConfig, parseHigherHRNetConfig } from './higher-config.js';
import { getHigherHRNetPreset } from './higher-presets.js';
import { HigherHRNetModel, deconvPadding } from './pose-higher-hrnet.js';

// HigherHRNet exported with toOnnx() and run on onnxruntime-node CPU (1 thread), held to the bars of
// the TF.js tests: every output within 1e-4 of std of the official pose_higher_hrnet.py (the
// tools/oracle/gen_higher.py cases), and the bottom-up test's maps and people as the official ones.
const TOLERANCE = 1e-4;
const CASES = [
  ['higher_coco_ms_flip', '17 joints, tags per joint, 1 deconv kernel 4 (2 BasicBlocks, CAT_OUTPUT), 3 scales + flip'],
  ['higher_crowd_3out', '14 joints, one tag map, 2 deconvs kernels 3 (output_padding 1) and 2, CAT_OUTPUT [true, false], 3×3 final convs, 2 scales + flip'],
  ['higher_coco_plain', 'no deconv (one output), 3×3 final conv, one scale, no flip'],
] as const;
const sessions: OnnxSession[] = [];
const verbose = (...args: unknown[]) => process.env.HRNET_ORACLE_VERBOSE && console.info(...args);

async function sessionOf(bytes: Uint8Array): Promise<OnnxSession> {
  const session = await createOrtSession(bytes, { intraOpNumThreads: 1 });
  sessions.push(session);
  return session;
}

function loadCase(name: string): HigherHRNetModel {
  const c = oracleCase(name);
  const model = new HigherHRNetModel(parseHigherHRNetConfig(c.configText));
  const report = model.load(readCheckpoint(c.checkpoint).stateDict);
  expect([report.missing, report.unexpected]).toEqual([[], []]);
  return model;
}

/** Nodes of type `op` in ModelProto bytes: NodeProto.op_type is field 4, a length-delimited string (tag 0x22). */
function opCount(bytes: Uint8Array, op: string): number {
  const pattern = [0x22, op.length, ...new TextEncoder().encode(op)];
  let count = 0;
  for (let i = 0; i + pattern.length <= bytes.length; i++) if (pattern.every((b, j) => bytes[i + j] === b)) count++;
  return count;
}

/** Rows [r0, r1) of a [C, H, W, ...rest] array. */
function band(values: Float32Array, shape: readonly number[], r0: number, r1: number): Float32Array {
  const [C, H] = shape;
  const inner = values.length / (C * H);
  const out = new Float32Array(C * (r1 - r0) * inner);
  for (let c = 0; c < C; c++) out.set(values.subarray((c * H + r0) * inner, (c * H + r1) * inner), c * (r1 - r0) * inner);
  return out;
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('HigherHRNetModel exported to ONNX, on onnxruntime-node CPU', () => {
  it.each(CASES)('%s (%s): every output resolution within 1e-4 of std of the official outputs', async (name) => {
    const c = oracleCase(name);
    const model = loadCase(name);
    const bytes = model.toOnnx();
    // BN folded everywhere; one ConvTranspose per deconv layer.
    expect(opCount(bytes, 'BatchNormalization')).toBe(0);
    expect(opCount(bytes, 'ConvTranspose')).toBe(model.config.higher.deconv.numDeconvs);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await onnxRunner(await sessionOf(bytes))(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel).length).toBe(model.finalLayers.length);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it.each(CASES)('%s through the bottom-up test with the ORT network: official maps within 1e-4 of std; the same people as on TF.js', async (name) => {
    const c = oracleCase(name);
    const expected = JSON.parse(readFileSync(join(c.dir, 'grouped.json'), 'utf8')) as {
      band: [number, number];
      final_heatmaps_shape: number[];
      tags_shape: number[];
      final_results: number[][][];
    };
    const img = await readNpyFile(join(c.dir, 'image.npy'));
    const image = { data: Uint8Array.from(img.values as ArrayLike<number>), width: img.shape[1], height: img.shape[0] };
    const model = loadCase(name);
    const run = onnxRunner(await sessionOf(model.toOnnx()));
    const batches: number[] = [];
    const network = (x: tf.Tensor4D) => {
      batches.push(x.shape[0]);
      return run(x);
    };
    const ort = createBottomUpEstimator(model, { network });
    const before = tf.memory().numTensors;
    const maps = await ort.inferMaps(image);
    expect(tf.memory().numTensors).toBe(before);
    // One engine call per scale, the image and its mirror as one batch.
    expect(batches).toEqual(ort.test.scaleFactor.map(() => (ort.test.flipTest ? 2 : 1)));
    const [, J, H, W] = expected.final_heatmaps_shape;
    const [r0, r1] = expected.band;
    const hm = await readNpyFile(join(c.dir, 'final_heatmaps_band.npy'));
    const tg = await readNpyFile(join(c.dir, 'tags_band.npy'));
    const heatmapRel = difference(band(maps.det, [J, H, W], r0, r1), hm.values as Float32Array).relToStd;
    const tagRel = difference(band(maps.tag, expected.tags_shape.slice(1), r0, r1), tg.values as Float32Array).relToStd;
    const onnxPoses = ort.posesFromMaps(maps);
    const tfjsPoses = await createBottomUpEstimator(model).estimatePoses(image);
    const worst = worstPoseGap(onnxPoses, tfjsPoses);
    let official = 0;
    onnxPoses.forEach((p, i) => p.keypoints.forEach((k, j) => (official = Math.max(official, Math.abs(k.x - expected.final_results[i][j][0]), Math.abs(k.y - expected.final_results[i][j][1])))));
    verbose(name, 'ORT bottom-up', { heatmapRel, tagRel, people: onnxPoses.length, vsTfjs: worst, vsOfficialPx: official });
    expect(heatmapRel).toBeLessThan(TOLERANCE);
    expect(tagRel).toBeLessThan(TOLERANCE);
    expect(onnxPoses.length).toBe(expected.final_results.length);
    expect(onnxPoses.length).toBe(tfjsPoses.length);
    expect(onnxPoses.length).toBeGreaterThan(2);
    // Grouping is discrete: the same people, joint for joint, as the TF.js engine gives.
    expect(worst.px).toBeLessThan(1e-3);
    expect(worst.score).toBeLessThan(1e-4);
    expect(official).toBeLessThan(0.5);
    model.dispose();
  });

  it.each([
    [4, 5, 3],
    [3, 5, 3],
    [2, 7, 4],
  ])('ConvTranspose2d kernel %i (official padding / output_padding) + folded BN + ReLU on %i×%i: the ONNX node equals the TF.js layer', async (k, h, w) => {
    const { padding, outputPadding } = deconvPadding(k);
    const [ci, co] = [3, 4];
    const deconv = new ConvTranspose2d(ci, co, k, 2, padding, outputPadding);
    const bn = new BatchNorm2d(co);
    randomizeWeights(deconv, k);
    randomizeWeights(bn, k + 1);
    const g = new OnnxGraph();
    const input = g.input('input', ['batch', 'height', 'width', ci]);
    const y = deconv.emitOnnx(g, g.node('Transpose', [input], { perm: [0, 3, 1, 2] }), bn, true);
    g.output(g.node('Transpose', [y], { perm: [0, 2, 3, 1] }), 'out', ['batch', 'h', 'w', co]);
    const x = tf.randomNormal([2, h, w, ci], 0, 1, 'float32', k) as tf.Tensor4D;
    const ours = deconv.run(x, bn, true);
    const { out } = await onnxRunner(await sessionOf(g.encode()))(x);
    expect(out.shape).toEqual([2, 2 * h, 2 * w, co]);
    expect(out.shape).toEqual(ours.shape);
    expect(difference(await out.data(), await ours.data()).maxAbs).toBeLessThan(1e-5);
    tf.dispose([x, ours, out]);
    deconv.dispose();
    bn.dispose();
  });

  it('outside the fixtures: W18-width backbone, 2 deconvs (kernels 4, 3) both CAT_OUTPUT, AE on every output, random weights; ORT equals our TF.js forward at two sizes and batches through one graph', async () => {
    const base = getHigherHRNetPreset('higher-coco-w32-512');
    const config: HigherHRNetConfig = structuredClone(base);
    config.backbone.stages = config.backbone.stages.map((s) => ({ ...s, numModules: 1, numChannels: s.numChannels.map((ch) => (ch * 18) / 32) }));
    config.higher = {
      ...config.higher,
      numJoints: 11,
      tagPerJoint: false,
      finalConvKernel: 3,
      withAeLoss: [true, true, true],
      withHeatmapsLoss: [true, true, true],
      deconv: { numDeconvs: 2, numChannels: [20, 10], kernelSize: [4, 3], numBasicBlocks: 2, catOutput: [true, true] },
    };
    config.head = { type: 'pose', numJoints: 11, finalConvKernel: 3 };
    const model = new HigherHRNetModel(config);
    randomizeWeights(model, 23);
    const run = onnxRunner(await sessionOf(model.toOnnx({ intermediates: true })));
    for (const [n, h, w] of [
      [2, 128, 96],
      [1, 64, 160],
    ]) {
      const x = tf.randomNormal([n, h, w, 3], 0, 1, 'float32', w) as tf.Tensor4D;
      const ours = model.forwardNamed(x, { intermediates: true });
      const onnx = await run(x);
      expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
      expect(onnx.output_2.shape).toEqual([n, h, w, 12]);
      const rel: Record<string, number> = {};
      for (const [key, t] of Object.entries(ours)) {
        expect(onnx[key].shape, key).toEqual(t.shape);
        rel[key] = difference(await onnx[key].data(), await t.data()).relToStd;
      }
      verbose('random HigherHRNet', [n, h, w], rel);
      for (const [key, value] of Object.entries(rel)) expect.soft(value, `${key} at ${n}×${h}×${w}`).toBeLessThan(TOLERANCE);
      tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    }
    model.dispose();
  });
});

describe('the official HigherHRNet yamls (tools/oracle/higher), random weights', () => {
  it.each([
    ['w32_512', [1, 128, 96]],
    ['crowd_pose_w32_512', [1, 64, 96]],
    ['w48_640', [1, 96, 64]],
  ] as const)('%s: both resolutions on ORT equal our TF.js forward on %j', async (name, [n, h, w]) => {
    const config = parseHigherHRNetConfig(readFileSync(join(repoRoot(), 'tools', 'oracle', 'higher', `${name}.yaml`), 'utf8'));
    const model = new HigherHRNetModel(config);
    randomizeWeights(model, 31);
    const bytes = model.toOnnx();
    expect(opCount(bytes, 'ConvTranspose')).toBe(1);
    const session = await createOrtSession(bytes, { intraOpNumThreads: 1 });
    try {
      const x = tf.randomNormal([n, h, w, 3], 0, 1, 'float32', 13) as tf.Tensor4D;
      const ours = model.forwardNamed(x);
      const onnx = await onnxRunner(session)(x);
      expect(Object.keys(onnx).sort()).toEqual(['output_0', 'output_1']);
      const rel: Record<string, number> = {};
      for (const [key, t] of Object.entries(ours)) {
        expect(onnx[key].shape, key).toEqual(t.shape);
        rel[key] = difference(await onnx[key].data(), await t.data()).relToStd;
      }
      verbose(name, rel);
      expect(onnx.output_1.shape).toEqual([n, h / 2, w / 2, config.higher.numJoints]);
      for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
      tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    } finally {
      await session.release();
      model.dispose();
    }
  });
});

/** Largest keypoint distance (px) and score gap between two lists of people, person by person. */
function worstPoseGap(a: BottomUpPose[], b: BottomUpPose[]): { px: number; score: number } {
  let px = 0;
  let score = 0;
  a.forEach((p, i) => {
    score = Math.max(score, Math.abs(p.score - (b[i]?.score ?? Number.POSITIVE_INFINITY)));
    p.keypoints.forEach((k, j) => {
      const q = b[i]?.keypoints[j];
      if (!q) {
        px = Number.POSITIVE_INFINITY;
        return;
      }
      px = Math.max(px, Math.abs(k.x - q.x), Math.abs(k.y - q.y));
      score = Math.max(score, Math.abs(k.score - q.score));
    });
  });
  return { px, score };
}
