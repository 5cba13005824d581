import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, onnxRunner, type OnnxSession, parseModelConfig, readCheckpoint, toNCHW, fromNCHW } from '@hrnetjs/core';
import { BatchNorm2d, randomizeWeights } from '@hrnetjs/core/ops';
import { createOrtSession, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, oracleCase, oracleDifferences, repoRoot } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segment } from '../segment.js';
import { createSegModel } from '../seg-network.js';
import type { BNReLU } from './object-attention.js';
import { OcrSegModel } from './ocr-seg-model.js';

// HRNet-OCR exported with toOnnx() and run on onnxruntime-node CPU (1 thread), held to the bars of
// the TF.js tests: 1e-4 of each tensor's std against the official seg_hrnet_ocr.py outputs
// (tools/oracle/gen_ocr.py cases), the same pipeline bars as ocr-segment.parity.test.ts.
const TOLERANCE = 1e-4;
const sessions: OnnxSession[] = [];
const verbose = (...args: unknown[]) => process.env.HRNET_ORACLE_VERBOSE && console.info(...args);

async function onnxOf(model: OcrSegModel, intermediates = false) {
  const session = await createOrtSession(model.toOnnx({ intermediates }), { intraOpNumThreads: 1 });
  sessions.push(session);
  return onnxRunner(session);
}

function loadCase(name: string): OcrSegModel {
  const c = oracleCase(name);
  const model = createSegModel(parseModelConfig(c.configText));
  expect(model).toBeInstanceOf(OcrSegModel);
  const report = model.load(readCheckpoint(c.checkpoint).stateDict);
  expect([report.missing, report.unexpected]).toEqual([[], []]);
  return model as OcrSegModel;
}

/**
 * Random weights in the regime trained OCR heads work in, so that the tests see every op of the head:
 * plain random weights leave both softmaxes flat (the spatial one at 1/HW, the attention at 1/K), and
 * a 1 % error in the attention scale went unnoticed. Here the aux logits are 5× larger (peaked object
 * regions), the query / key BatchNorm affines 8×, and every BatchNorm is calibrated on `x` (running
 * stats = its batch statistics, as gen_ocr.py calibrates the oracle cases) so the object contexts
 * differ from region to region; variances are floored so no near-dead channel amplifies float32
 * round-off. Checked: ORT vs TF.js ≤ 3e-5 of std, while the attention scale × 1.01 gives 3e-4 – 2e-3.
 */
function conditionOcr(model: OcrSegModel, x: tf.Tensor4D): void {
  const scale = (m: BatchNorm2d | { value(n: string): Float32Array; setValue(n: string, v: Float32Array): void }, f: number) => {
    for (const name of ['weight', 'bias']) m.setValue(name, m.value(name).map((v) => v * f));
  };
  scale(model.auxHead.classifier, 5);
  const attention = model.ocrDistriHead.objectContextBlock;
  for (const chain of [attention.fPixel, attention.fObject]) scale((chain.items[3] as BNReLU).bn, 8);
  const norms = new Set([...model.boundEntries()].map((e) => e.owner).filter((o): o is BatchNorm2d => o instanceof BatchNorm2d));
  for (const bn of norms) bn.momentum = 1;
  model.setTraining(true);
  tf.dispose(Object.values(model.forwardNamed(x)));
  model.setTraining(false);
  for (const bn of norms) {
    bn.momentum = 0.1;
    // Channels ReLU left (almost) dead would be amplified up to 1/√eps: keep every gain ≤ ~4.
    bn.setValue('running_var', bn.value('running_var').map((v) => Math.max(v, FLOOR)));
  }
}
const FLOOR = 0.05;

/** Nodes of type `op` in ModelProto bytes: NodeProto.op_type is field 4, a length-delimited string (tag 0x22). */
function opCount(bytes: Uint8Array, op: string): number {
  const pattern = [0x22, op.length, ...new TextEncoder().encode(op)];
  let count = 0;
  for (let i = 0; i + pattern.length <= bytes.length; i++) if (pattern.every((b, j) => bytes[i + j] === b)) count++;
  return count;
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('OcrSegModel exported to ONNX, on onnxruntime-node CPU', () => {
  it.each([
    ['ocr_ac_true_odd', 'ALIGN_CORNERS true, odd 97×131, 7 classes, mid 24 / key 12'],
    ['ocr_ac_false_b2', 'ALIGN_CORNERS false, batch 2 of 70×54, 5 classes, mid 16 / key 10, 2 stage-4 modules'],
  ])('%s (%s): stage 4, conv3x3_ocr, ocr_gather_head, ocr_distri_head, aux and logits within 1e-4 of std', async (name) => {
    const c = oracleCase(name);
    const model = loadCase(name);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await (await onnxOf(model, true))(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel).sort()).toEqual(c.manifest.outputs.map((o) => o.name).sort());
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it('the exported graph: no BatchNormalization or Dropout left, one Conv per official conv weight', () => {
    const model = loadCase('ocr_ac_true_odd');
    const convWeights = model.stateDictSpec().filter((e) => e.key.endsWith('.weight') && e.shape.length === 4).length;
    const bytes = model.toOnnx();
    expect(opCount(bytes, 'Conv')).toBe(convWeights);
    expect(opCount(bytes, 'BatchNormalization')).toBe(0);
    expect(opCount(bytes, 'Dropout')).toBe(0);
    // The spatial softmax of ocr_gather_head and the attention's softmax over the regions.
    expect(opCount(bytes, 'Softmax')).toBe(2);
    model.dispose();
  });

  it.each([
    ['ocr_pipe_ade20k', 'short side 26 + pad /8 kept, scales 0.75/1/1.5 (windows), flip, align_corners true'],
    ['ocr_pipe_pascal_ctx', 'short side 44 + pad /8 cropped, crop 48×40, scales 0.75/1.25, align_corners false'],
    ['ocr_pipe_lip', 'resize to crop, flip with the LIP pair swap, windows'],
  ])('%s through segment() with the ORT network (%s): log-prediction within 1e-4 of std, labels equal', async (name) => {
    const c = oracleCase(name);
    const meta = JSON.parse(readFileSync(join(c.dir, 'manifest.json'), 'utf8')) as { near_ties: number[][] };
    const model = loadCase(name);
    const run = await onnxOf(model);
    const batches: number[] = [];
    const network = (x: tf.Tensor4D) => {
      batches.push(x.shape[0]);
      return run(x);
    };
    const rgb = await readNpyFile(join(c.dir, 'image.npy'));
    const [height, width] = rgb.shape;
    const image = { width, height, data: Uint8Array.from(rgb.values as Uint8Array) };
    const before = tf.memory().numTensors;
    const result = await segment(model, image, { returnScores: true, network });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.length).toBeGreaterThan(0);
    const pred = await readNpyFile(join(c.dir, 'pred.npy'));
    const classes = pred.shape[1];
    const scores = tf.tensor4d(result.scores as Float32Array, [1, height, width, classes]);
    const ours = Float64Array.from((await toNCHW(scores)).values as Float32Array, Math.log);
    scores.dispose();
    const official = Float64Array.from(pred.values as Float32Array, Math.log);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(Math.expm1(ours[i] - official[i])));
    const logRel = difference(ours, official).relToStd;
    verbose(name, 'ORT pipeline', { logRel, worst, batches });
    expect(worst).toBeLessThan(1e-3);
    expect(logRel).toBeLessThan(TOLERANCE);
    const labels = await readNpyFile(join(c.dir, 'labels.npy'));
    const ties = new Set(meta.near_ties.map(([y, xx]) => y * width + xx));
    let bad = 0;
    for (let p = 0; p < result.labels.length; p++) if (!ties.has(p) && result.labels[p] !== Number(labels.values[p])) bad++;
    expect(bad).toBe(0);
    model.dispose();
  });

  it('TEST.OUTPUT_INDEX 0: the ORT pipeline reads the aux output, as predict() does on TF.js', async () => {
    const c = oracleCase('ocr_pipe_lip');
    const config = parseModelConfig(c.configText);
    const model = new OcrSegModel({ ...config, source: { ...(config.source as object), TEST: { ...(config.source as { TEST?: object }).TEST, OUTPUT_INDEX: 0 } } });
    model.load(readCheckpoint(c.checkpoint).stateDict);
    expect(model.testOutput).toBe('aux');
    const rgb = await readNpyFile(join(c.dir, 'image.npy'));
    const [height, width] = rgb.shape;
    const image = { width, height, data: Uint8Array.from(rgb.values as Uint8Array) };
    const tfjs = await segment(model, image, { returnScores: true });
    const ort = await segment(model, image, { returnScores: true, network: await onnxOf(model) });
    const mainModel = loadCase('ocr_pipe_lip');
    const main = await segment(mainModel, image, { returnScores: true, network: await onnxOf(mainModel) });
    mainModel.dispose();
    // Compared as logs (the summed prediction is exp of logits: heavy-tailed).
    const log = (r: { scores?: Float32Array }) => Float64Array.from(r.scores as Float32Array, Math.log);
    const rel = difference(log(ort), log(tfjs)).relToStd;
    verbose('OUTPUT_INDEX 0, ORT vs TF.js', rel);
    expect(rel).toBeLessThan(TOLERANCE);
    // The aux and the OCR predictions differ (else this test could not tell them apart).
    expect(difference(log(main), log(tfjs)).relToStd).toBeGreaterThan(0.1);
    model.dispose();
  });

  it.each([
    [false, 'standard', [[1, 65, 97], [2, 96, 128]]],
    [true, 'standard', [[1, 71, 53]]],
    [true, 'inplace-abn', [[1, 57, 66]]],
  ] as const)('outside the fixtures: W18-small-v2 backbone + OCR mid 40 / key 20, 13 classes, align_corners %s, %s BatchNorm, random weights; ORT equals our TF.js forward (several sizes through one graph)', async (alignCorners, batchNorm, sizes) => {
    const config = structuredClone(getPreset('seg-cityscapes-w18-small-v2'));
    config.backbone.alignCorners = alignCorners;
    config.backbone.batchNorm = batchNorm;
    config.head = { type: 'seg', numClasses: 13, finalConvKernel: 1, ocr: { midChannels: 40, keyChannels: 20, dropout: 0.05 } };
    const model = createSegModel(config) as OcrSegModel;
    expect(model).toBeInstanceOf(OcrSegModel);
    randomizeWeights(model, 17);
    const inputs = sizes.map(([n, h, w]) => tf.randomNormal([n, h, w, 3], 0, 1, 'float32', h) as tf.Tensor4D);
    conditionOcr(model, inputs[0]);
    const run = await onnxOf(model, true);
    for (const x of inputs) {
      const [n, h, w] = x.shape;
      const ours = model.forwardNamed(x, { intermediates: true });
      const onnx = await run(x);
      expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
      const rel: Record<string, number> = {};
      for (const [key, t] of Object.entries(ours)) {
        expect(onnx[key].shape, key).toEqual(t.shape);
        rel[key] = difference(await onnx[key].data(), await t.data()).relToStd;
      }
      verbose('random OCR', alignCorners, batchNorm, [n, h, w], rel);
      for (const [key, value] of Object.entries(rel)) expect.soft(value, `${key} at ${n}×${h}×${w}`).toBeLessThan(TOLERANCE);
      tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    }
    model.dispose();
  });

  it.each([
    ['cityscapes__seg_hrnet_ocr_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484', 19],
    ['ade20k__seg_hrnet_ocr_w48_520x520_ohem_sgd_lr2e-2_wd1e-4_bs_16_epoch120', 150],
  ])('official W48 yaml %s (%i classes, MID 512 / KEY 256, ALIGN_CORNERS default true), random weights: ORT equals our TF.js forward on 64×96', async (name, classes) => {
    const yaml = readFileSync(join(repoRoot(), 'tools', 'oracle', 'ocr_keys', `${name}.yaml`), 'utf8');
    const model = createSegModel(parseModelConfig(yaml)) as OcrSegModel;
    expect(model.ocr).toMatchObject({ midChannels: 512, keyChannels: 256 });
    expect([model.config.head.type === 'seg' && model.config.head.numClasses, model.config.backbone.alignCorners]).toEqual([classes, true]);
    randomizeWeights(model, 5);
    const run = await onnxOf(model, true);
    const x = tf.randomNormal([1, 64, 96, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const ours = model.forwardNamed(x, { intermediates: true });
    const onnx = await run(x);
    expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
    const rel: Record<string, number> = {};
    for (const [key, t] of Object.entries(ours)) {
      expect(onnx[key].shape, key).toEqual(t.shape);
      rel[key] = difference(await onnx[key].data(), await t.data()).relToStd;
    }
    verbose(name, rel);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    model.dispose();
    // The session holds ~280 MB of weights: free it now rather than at the end of the file.
    await sessions.pop()?.release();
  });
});
