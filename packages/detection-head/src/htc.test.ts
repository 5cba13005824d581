import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, type MmdetHeadConfig, parseModelConfig } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { HybridTaskCascade } from './htc.js';
import { parseHtcConfig } from './htc-config.js';
import { HTCMaskHead } from './htc-mask-head.js';
import { adaptiveAvgPool } from './htc-roi-head.js';
import { createTwoStageDetector, twoStageKind } from './two-stage.js';
import { defaultCascadeRcnnTrainConfig } from './train/train-config.js';
import { detectorLossesOnLevels } from './train/detector-loss.js';

// state_dict names + shapes of mmdetection 2.x's configs/hrnet/htc_hrnetv2p_*_20e_coco.py (never
// run), written by tools/oracle/gen_htc.py.
function manifest(name: string): Array<[string, number[]]> {
  return JSON.parse(readFileSync(join(repoRoot(), 'tools/oracle/cases/mmdet_key_manifests', `${name}.json`), 'utf8')).keys;
}

const detector = (id: string) => (getPreset(id).head as MmdetHeadConfig).detector!;

describe('HTC presets have exactly mmdet 2.x state_dict keys and shapes, in order', () => {
  it.each([
    ['htc-w18', 'htc_hrnetv2p_w18_20e_coco'],
    ['htc-w32', 'htc_hrnetv2p_w32_20e_coco'],
    ['htc-w40', 'htc_hrnetv2p_w40_20e_coco'],
  ] as const)('%s = %s', (preset, file) => {
    const model = createTwoStageDetector(getPreset(preset));
    expect(model).toBeInstanceOf(HybridTaskCascade);
    expect(model.stateDictSpec().map((e) => [e.key, e.shape])).toEqual(manifest(file));
    expect(getPreset(preset).officialConfig).toBe(`configs/hrnet/${file}.py`);
    expect(twoStageKind(detector(preset))).toBe('htc');
  });
});

describe('parseHtcConfig', () => {
  it("reads the zoo's HTC: cascade stages, HTCMaskHead stages (conv_res from stage 1), semantic branch, flags", () => {
    const c = parseHtcConfig(detector('htc-w32'));
    expect(c.cascade.numStages).toBe(3);
    expect(c.cascade.stages.map((s) => s.bboxCoder.stds)).toEqual([
      [0.1, 0.1, 0.2, 0.2],
      [0.05, 0.05, 0.1, 0.1],
      [0.033, 0.033, 0.067, 0.067],
    ]);
    expect(c.mask!.maskHeads.map((h) => h.withConvRes)).toEqual([false, true, true]);
    expect(c.semantic!.head).toEqual({ numIns: 5, fusionLevel: 1, numConvs: 4, inChannels: 256, convOutChannels: 256, numClasses: 183 });
    expect(c.semantic!.extractor).toMatchObject({ outputSize: 14, featmapStrides: [8], outChannels: 256 });
    expect([c.semanticFusion, c.maskInfoFlow, c.interleaved]).toEqual([{ bbox: true, mask: true }, true, true]);
    const model = createTwoStageDetector(getPreset('htc-w18')) as HybridTaskCascade;
    expect(model.roiHead.maskHeads.map((h) => [h instanceof HTCMaskHead, (h as HTCMaskHead).convRes !== null])).toEqual([
      [true, false],
      [true, true],
      [true, true],
    ]);
    expect(model.roiHead.inputLevels).toBe(5);
    expect(model.testCfg.rcnn.scoreThr).toBe(0.001);
    expect(() => model.setTraining(true)).toThrow(/HybridTaskCascade: training is not implemented/);
    expect(model.isTraining).toBe(false);
    // The ONNX engine's graphs: every stage's bbox head (semantic fusion stays in JS), every stage's
    // HTCMaskHead (conv features in from stage 1, out of every stage) and the semantic head.
    const graphs = model.onnxHeadGraphs();
    expect(graphs.map((g) => [g.kind, g.stage, g.suffix])).toEqual([
      ['bbox', 0, 'roi-head-0'],
      ['bbox', 1, 'roi-head-1'],
      ['bbox', 2, 'roi-head-2'],
      ['mask', 0, 'mask-head-0'],
      ['mask', 1, 'mask-head-1'],
      ['mask', 2, 'mask-head-2'],
      ['semantic', 0, 'semantic-head'],
    ]);
    expect(graphs[3].description).toBe('the mask head of stage 0 (inputs roi_feats [N, 256·14·14], labels [N] → mask_logits, mask_probs [N, 28, 28], mask_feats [N, 256·14·14])');
    expect(graphs[4].description).toMatch(/inputs roi_feats \[N, 256·14·14\], res_feats \[N, 256·14·14\], labels \[N\] → /);
    expect(graphs[6].description).toBe('the semantic head (inputs neck_0 … neck_4 [1, H, W, 256] → semantic_feat [1, H, W, 256])');
    // The loss entry points refuse it too (they do not go through setTraining).
    expect(() => detectorLossesOnLevels(model as never, [], [], defaultCascadeRcnnTrainConfig(3), Math.random)).toThrow(/not HybridTaskCascadeRoIHead/);
    model.dispose();
  });

  it('without a semantic head and without information flow (FCNMaskHead stages)', () => {
    const d = structuredClone(detector('htc-w18')) as { roi_head: Record<string, unknown> };
    delete d.roi_head.semantic_head;
    delete d.roi_head.semantic_roi_extractor;
    d.roi_head.mask_info_flow = false;
    d.roi_head.mask_head = { type: 'FCNMaskHead', num_convs: 2, in_channels: 256, conv_out_channels: 64, num_classes: 80 };
    const c = parseHtcConfig(d);
    expect(c.semantic).toBeUndefined();
    expect(c.mask!.maskHeads.map((h) => h.withConvRes)).toEqual([undefined, undefined, undefined]);
  });

  it('configs mmdet 2.x cannot run fail with the path and the reason', () => {
    const base = () => structuredClone(detector('htc-w18')) as { roi_head: Record<string, unknown> & { mask_head: Array<Record<string, unknown>> } };
    let d = base();
    d.roi_head.mask_info_flow = false;
    expect(() => parseHtcConfig(d)).toThrow(/model\.roi_head\.mask_head\[0\]: HTCMaskHead without mask_info_flow fails in mmdet 2\.x's simple_test/);
    d = base();
    d.roi_head.mask_head[2].with_conv_res = false;
    expect(() => parseHtcConfig(d)).toThrow(/mask_head\[2\]: mask_info_flow needs with_conv_res in every stage after the first/);
    d = base();
    d.roi_head.mask_head = d.roi_head.mask_head.map((h) => ({ ...h, conv_out_channels: 128 }));
    expect(() => parseHtcConfig(d)).toThrow(/mask_head\[1\]: conv_res adds conv_out_channels \(128\) features to the 256-channel RoI features/);
    d = base();
    d.roi_head.semantic_fusion = ['bbox', 'semantic'];
    expect(() => parseHtcConfig(d)).toThrow(/model\.roi_head\.semantic_fusion must list 'bbox' and \/ or 'mask'/);
    d = base();
    (d.roi_head.semantic_roi_extractor as Record<string, unknown>).featmap_strides = [4, 8];
    expect(() => parseHtcConfig(d)).toThrow(/semantic_roi_extractor\.featmap_strides must name one stride/);
    d = base();
    ((d.roi_head.semantic_roi_extractor as Record<string, Record<string, unknown>>).roi_layer).output_size = 7;
    expect(() => parseHtcConfig(d)).toThrow(/semantic_roi_extractor gives 7×7×256 RoI features; mask fusion adds them to 14×14×256 mask RoI features/);
    d = base();
    (d.roi_head.semantic_head as Record<string, unknown>).fusion_level = 5;
    expect(() => parseHtcConfig(d)).toThrow(/semantic_head\.fusion_level \(5\) must be below num_ins \(5\)/);
    d = base();
    (d.roi_head.semantic_head as Record<string, unknown>).num_ins = 4;
    const preset = getPreset('htc-w18');
    expect(() => new HybridTaskCascade({ ...preset, head: { ...(preset.head as MmdetHeadConfig), detector: d } })).toThrow(
      /semantic_head \(num_ins 4, fusion_level 1\) reads all 5 neck levels/,
    );
  });

  it('adaptiveAvgPool: PyTorch bins (14 → 7 pairs, 14 → 6 uneven) and its float32 sum / h / w', () => {
    const x = Float32Array.from({ length: 2 * 14 * 14 }, (_, i) => (i % 14) + 100 * Math.floor(i / 14));
    expect(Array.from(adaptiveAvgPool(x, 2, 14, 7).subarray(0, 7))).toEqual([50.5, 52.5, 54.5, 56.5, 58.5, 60.5, 62.5]);
    // bins of 14 → 6: [0,3) [2,5) [4,7) [7,10) [9,12) [11,14)
    expect(Array.from(adaptiveAvgPool(x, 2, 14, 6).subarray(0, 6))).toEqual([101, 103, 105, 108, 110, 112]);
  });
});

describe('an HTC the oracle did not build (random weights, 3 classes, 9 semantic classes) runs with exact output shapes (wasm)', () => {
  it('boxes, labels, scores, one mask of the original image per detection; no tensor leaks', async () => {
    await useBackend('wasm');
    const config = parseModelConfig(readFileSync(join(repoRoot(), 'tools/oracle/cases/mmdet_htc/config.json'), 'utf8'));
    const d = (config.head as MmdetHeadConfig).detector as { roi_head: Record<string, unknown> & { bbox_head: Array<Record<string, unknown>>; mask_head: Array<Record<string, unknown>> } };
    d.roi_head.bbox_head = d.roi_head.bbox_head.map((h) => ({ ...h, num_classes: 3 }));
    d.roi_head.mask_head = d.roi_head.mask_head.map((h) => ({ ...h, num_classes: 3, num_convs: 1 }));
    d.roi_head.semantic_head = { ...(d.roi_head.semantic_head as Record<string, unknown>), num_classes: 9, fusion_level: 2, num_convs: 3 };
    d.roi_head.semantic_roi_extractor = { ...(d.roi_head.semantic_roi_extractor as Record<string, unknown>), featmap_strides: [16] };
    const model = createTwoStageDetector(config) as HybridTaskCascade;
    expect(model.roiHead.maskHeads.map((h) => h instanceof HTCMaskHead && h.convs.length)).toEqual([1, 1, 1]);
    randomizeWeights(model, 15);
    const [oriH, oriW] = [61, 87];
    const x = tf.randomNormal([1, 96, 128, 3], 0, 1, 'float32', 15) as tf.Tensor4D;
    const meta = { imgShape: [90, 128] as [number, number], scaleFactor: [128 / oriW, 90 / oriH, 128 / oriW, 90 / oriH] as [number, number, number, number], oriShape: [oriH, oriW] as [number, number] };
    const r = await model.simpleTest(x, meta, { testCfg: { rcnn: { scoreThr: 0 } } });
    const before = tf.memory().numTensors; // after the first call: folded weights are cached
    expect((await model.simpleTest(x, meta, { testCfg: { rcnn: { scoreThr: 0 } } })).scores).toEqual(r.scores);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    const n = r.labels.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(25);
    expect([r.bboxes.length, r.scores.length]).toEqual([4 * n, n]);
    expect(r.labels.every((l) => l >= 0 && l < 3)).toBe(true);
    expect(r.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect([r.masks!.masks.length, r.masks!.height, r.masks!.width]).toEqual([n, oriH, oriW]);
    expect(r.masks!.masks.every((m) => m.length === oriH * oriW)).toBe(true);
    const levels = model.neckLevels(tf.zeros([1, 96, 128, 3]));
    const host = await Promise.all(levels.map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })));
    tf.dispose(levels);
    const sem = await model.roiHead.semanticFeatures(host);
    expect([sem.height, sem.width, sem.channels]).toEqual([6, 8, 16]); // the stride-16 level
    const inputs = host.map((h) => tf.zeros([1, h.height, h.width, h.channels]) as tf.Tensor4D);
    const full = model.roiHead.semanticHead!.forward(inputs);
    expect([full.logits.shape, full.feat.shape]).toEqual([
      [1, 6, 8, 9],
      [1, 6, 8, 16],
    ]);
    tf.dispose([...inputs, full.logits, full.feat]);
    model.dispose();
  });
});
