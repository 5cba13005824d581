import * as tf from '@tensorflow/tfjs-core';
import { difference, oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/index.js';
import type { BackboneConfig, ModelConfig, StageConfig } from '../config/types.js';
import { parseModelConfig } from '../config/index.js';
import { BackboneModel } from '../model/backbone-model.js';
import { ClsModel } from '../model/cls-model.js';
import { TaskModel } from '../model/task-model.js';
import { randomizeWeights } from '../nn/randomize-weights.js';
import { useBackend } from '../node.js';
import { readNpyFile } from '../node/npy-file.js';
import { createEngineRunner, createOrtSession } from '../node/onnxruntime.js';
import { fromNCHW, toNCHW } from '../tensor/index.js';
import { type OnnxSession, onnxRunner } from './engine.js';
import { decodeMessage, fieldsOf, type WireField } from './proto-reader.test-helper.js';

const TOLERANCE = 1e-4;
const sessions: OnnxSession[] = [];

async function session(bytes: Uint8Array): Promise<OnnxSession> {
  const s = await createOrtSession(bytes, { intraOpNumThreads: 1 });
  sessions.push(s);
  return s;
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

const stage = (branches: number, channels: number[], block: StageConfig['block'] = 'BASIC'): StageConfig => ({
  numModules: 1,
  numBranches: branches,
  block,
  numBlocks: Array(branches).fill(1),
  numChannels: channels,
  fuseMethod: 'SUM',
});

function backboneConfig(overrides: Partial<BackboneConfig>): ModelConfig {
  const backbone: BackboneConfig = {
    stage1: { ...stage(1, [8]), block: 'BOTTLENECK' },
    stages: [stage(2, [4, 8]), stage(3, [4, 8, 16]), stage(4, [4, 8, 16, 32])],
    upsample: 'bilinear',
    alignCorners: false,
    multiScaleOutput: true,
    batchNorm: 'standard',
    ...overrides,
  };
  return { name: 'tiny', family: 'seg', backbone, head: { type: 'none' } } as unknown as ModelConfig;
}

/** Our TF.js forward vs the exported graph on ORT CPU, every named output within 1e-4 of its std. */
async function compareWithTfjs(model: BackboneModel | ClsModel, x: tf.Tensor4D): Promise<Record<string, number>> {
  const ours = model.forwardNamed(x, { intermediates: true });
  const onnx = await onnxRunner(await session(model.toOnnx({ intermediates: true })))(x);
  const rel: Record<string, number> = {};
  for (const [name, t] of Object.entries(ours)) {
    expect(onnx[name]?.shape, name).toEqual(t.shape);
    rel[name] = difference(await onnx[name].data(), await t.data()).relToStd;
  }
  expect(Object.keys(onnx).sort()).toEqual(Object.keys(ours).sort());
  tf.dispose([...Object.values(ours), ...Object.values(onnx)]);
  return rel;
}

describe('ONNX export of the module tree, run on onnxruntime-node CPU', () => {
  it('cls_tiny (official cls_hrnet.py oracle): every stage output and the logits within 1e-4 of std', async () => {
    const c = oracleCase('cls_tiny');
    const model = new ClsModel(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await onnxRunner(await session(model.toOnnx({ intermediates: true })))(x);
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    expect(Object.keys(rel).length).toBeGreaterThan(3);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
  });

  it.each([
    ['bilinear, align_corners false, odd 97×131, batch 2', { upsample: 'bilinear', alignCorners: false }, [2, 97, 131]],
    ['bilinear, align_corners true, odd 61×75', { upsample: 'bilinear', alignCorners: true }, [1, 61, 75]],
    ['nearest ×2/×4/×8 (floor), 96×64, batch 3', { upsample: 'nearest', alignCorners: false }, [3, 96, 64]],
    ['InPlaceABN BatchNorm, single-scale output', { batchNorm: 'inplace-abn', multiScaleOutput: false }, [1, 64, 64]],
  ] as const)('random weights, %s: equals our TF.js forward within 1e-4 of std', async (_, overrides, [n, h, w]) => {
    const model = new BackboneModel(backboneConfig(overrides as Partial<BackboneConfig>));
    randomizeWeights(model, h * w);
    const x = tf.randomNormal([n, h, w, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const rel = await compareWithTfjs(model, x);
    expect(Object.keys(rel)).toContain('backbone_out_0');
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    x.dispose();
    model.dispose();
  });

  it('branch widths that are multiples of 3 (6, 12, 18, 36, as W18 / W30): fuse sums are Add chains, the convs onnxruntime WebGPU misreads get a channel Pad, outputs equal TF.js', async () => {
    const model = new BackboneModel(backboneConfig({ stages: [stage(2, [6, 12]), stage(3, [6, 12, 18]), stage(4, [6, 12, 18, 36])] }));
    randomizeWeights(model, 18);
    const bytes = model.toOnnx();
    const graph = decodeMessage(fieldsOf(decodeMessage(bytes), 7)[0].bytes!);
    const ops = fieldsOf(graph, 1).map((f) => new TextDecoder().decode(fieldsOf(decodeMessage(f.bytes!), 4)[0].bytes));
    expect(ops).not.toContain('Sum');
    // 6 → 12 (stage 2→3 fuse and transitions), 18 → 36 …: input channels a multiple of 3 but not 4, output a multiple of 4.
    expect(ops.filter((o) => o === 'Pad').length).toBeGreaterThan(0);
    const x = tf.randomNormal([1, 64, 48, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const rel = await compareWithTfjs(model, x);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    x.dispose();
    model.dispose();
  });

  it('one graph serves every batch size and input size (dynamic batch, H and W)', async () => {
    const model = new BackboneModel(backboneConfig({}));
    randomizeWeights(model, 3);
    const run = onnxRunner(await session(model.toOnnx()));
    for (const [n, h, w] of [
      [1, 64, 96],
      [4, 33, 47],
    ]) {
      const x = tf.randomUniform([n, h, w, 3], -1, 1, 'float32', n) as tf.Tensor4D;
      const ours = model.forwardNamed(x);
      const onnx = await run(x);
      for (const name of Object.keys(ours)) {
        expect(onnx[name].shape).toEqual(ours[name].shape);
        expect(difference(await onnx[name].data(), await ours[name].data()).relToStd).toBeLessThan(TOLERANCE);
      }
      tf.dispose([x, ...Object.values(ours), ...Object.values(onnx)]);
    }
    model.dispose();
  });

  it('float16 weights: half the bytes, compute in float32, outputs within 1e-2 of std', async () => {
    const model = new BackboneModel(backboneConfig({}));
    randomizeWeights(model, 5);
    const f32 = model.toOnnx();
    const f16 = model.toOnnx({ weights: 'float16' });
    expect(f16.length).toBeLessThan(f32.length * 0.6);
    const x = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const a = await onnxRunner(await session(f32))(x);
    const b = await onnxRunner(await session(f16))(x);
    const rel = difference(await b.backbone_out_0.data(), await a.backbone_out_0.data()).relToStd;
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(1e-2);
    tf.dispose([x, ...Object.values(a), ...Object.values(b)]);
    model.dispose();
  });

  it('writes a ModelProto a protobuf reader decodes: IR 8, opset 17, NHWC input, folded convs, raw float32 weights', () => {
    const model = new BackboneModel(backboneConfig({ upsample: 'nearest' }));
    randomizeWeights(model, 9);
    const bytes = model.toOnnx();
    const top = decodeMessage(bytes);
    expect(fieldsOf(top, 1)[0].value).toBe(8n);
    const opset = decodeMessage(fieldsOf(top, 8)[0].bytes!);
    expect(fieldsOf(opset, 2)[0].value).toBe(17n);
    const graph = decodeMessage(fieldsOf(top, 7)[0].bytes!);
    const str = (f: WireField) => new TextDecoder().decode(f.bytes);
    const nodes = fieldsOf(graph, 1).map((f) => decodeMessage(f.bytes!));
    const ops = nodes.map((n) => str(fieldsOf(n, 4)[0]));
    expect(ops.filter((o) => o === 'BatchNormalization')).toEqual([]);
    const convs = model.stateDictSpec().filter((e) => /conv\d?\.weight$|downsample\.0\.weight$|fuse_layers.*\.0\.weight$|transition.*\.0\.weight$/.test(e.key));
    expect(ops.filter((o) => o === 'Conv').length).toBe(convs.length);
    const resize = nodes.find((n) => str(fieldsOf(n, 4)[0]) === 'Resize')!;
    const attrs = Object.fromEntries(fieldsOf(resize, 5).map((f) => decodeMessage(f.bytes!)).map((a) => [str(fieldsOf(a, 1)[0]), str(fieldsOf(a, 4)[0])]));
    expect(attrs).toEqual({ mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    // The stem conv's weight: conv1 folded with bn1, OIHW, float32 raw_data.
    const inits = fieldsOf(graph, 5).map((f) => decodeMessage(f.bytes!));
    const first = inits.find((t) => str(fieldsOf(t, 8)[0]) === 'conv_w')!;
    const raw = fieldsOf(first, 9)[0].bytes!;
    const values = new Float32Array(raw.slice().buffer);
    expect(values).toEqual(model.backbone.conv1.foldedOIHW(model.backbone.bn1).weight);
    const input = decodeMessage(fieldsOf(graph, 11)[0].bytes!);
    expect(str(fieldsOf(input, 1)[0])).toBe('input');
    model.dispose();
  });

  it('a model without an ONNX export says so', () => {
    class NoExport extends TaskModel {
      protected computeOutputs(): Record<string, tf.Tensor> {
        return {};
      }
    }
    expect(() => new NoExport(backboneConfig({})).toOnnx()).toThrow('NoExport (tiny) has no ONNX export yet');
  });

  it('createEngineRunner: auto picks onnxruntime when installed; tfjs and onnxruntime runners give the same outputs', async () => {
    const model = new BackboneModel(backboneConfig({}));
    randomizeWeights(model, 12);
    const auto = await createEngineRunner(model, 'auto', { intraOpNumThreads: 1 });
    const tfjs = await createEngineRunner(model, 'tfjs');
    expect([auto.engine, tfjs.engine]).toEqual(['onnxruntime', 'tfjs']);
    const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const a = await auto.run(x);
    const b = await tfjs.run(x);
    expect(difference(await a.backbone_out_3.data(), await b.backbone_out_3.data()).relToStd).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(a), ...Object.values(b)]);
    await Promise.all([auto.dispose(), tfjs.dispose()]);
    await expect(createEngineRunner(model, 'torch' as never)).rejects.toThrow("engine must be 'tfjs', 'onnxruntime' or 'auto', got 'torch'");
    model.dispose();
  });
});
