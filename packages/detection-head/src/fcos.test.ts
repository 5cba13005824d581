import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type Checkpoint, createModel, getPreset, matchPreset, type MmdetHeadConfig, parseModelConfig, type StateDict, type TensorData } from '@hrnetjs/core';
import { randomizeWeights } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detect.js';
import { detectorKind, detectorKindOfKeys } from './detector-kind.js';
import { FCOS } from './fcos.js';
import { fcosPipelineFromConfig, isFcosDetector, parseFcosConfig } from './fcos-config.js';
import { MMDET_TEST_PIPELINE, preprocessForDetection } from './preprocess.js';
import { MMDET_BUILDER } from './register.js';

// state_dict names + shapes (and test_cfg / img_norm_cfg) of mmdetection 2.x models built from
// configs/hrnet/fcos_hrnetv2p_*.py (never run), written by tools/oracle/gen_fcos.py.
const cases = join(repoRoot(), 'tools/oracle/cases');
interface KeyManifest {
  config: string;
  test_cfg: Record<string, unknown>;
  img_norm_cfg: { mean: number[]; std: number[]; to_rgb: boolean };
  keys: Array<[string, number[]]>;
}
const manifest = (name: string): KeyManifest => JSON.parse(readFileSync(join(cases, 'mmdet_fcos_keys', `${name}.json`), 'utf8'));
const ZOO = [
  ['fcos-w18', 'fcos_hrnetv2p_w18_gn-head_4x4_1x_coco'],
  ['fcos-w32', 'fcos_hrnetv2p_w32_gn-head_4x4_1x_coco'],
  ['fcos-w40', 'fcos_hrnetv2p_w40_gn-head_mstrain_640-800_4x4_2x_coco'],
] as const;

/** A state dict with the manifest's keys and shapes (zero values): what a zoo checkpoint holds. */
function zeroStateDict(keys: Array<[string, number[]]>): StateDict {
  return new Map(keys.map(([k, shape]): [string, TensorData] => [k, { dtype: 'float32', shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
}

describe('FCOS presets have exactly mmdet 2.x state_dict keys and shapes, in order, and its test settings', () => {
  it.each(ZOO)('%s = %s', (id, file) => {
    void MMDET_BUILDER;
    const m = manifest(file);
    const preset = getPreset(id);
    const model = createModel(preset);
    expect(model).toBeInstanceOf(FCOS);
    expect(model.stateDictSpec().map((e) => [e.key, e.shape])).toEqual(m.keys);
    expect(preset.officialConfig).toBe(m.config);
    const fcos = model as FCOS;
    const t = m.test_cfg as { nms_pre: number; min_bbox_size: number; score_thr: number; nms: { iou_threshold: number }; max_per_img: number };
    expect(fcos.testCfg).toEqual({ nmsPre: t.nms_pre, minBboxSize: t.min_bbox_size, scoreThr: t.score_thr, iouThreshold: t.nms.iou_threshold, classAgnostic: false, maxPerImg: t.max_per_img });
    // The preset states no normalisation order: FCOS uses the zoo's img_norm_cfg (BGR).
    expect(fcos.testPipeline).toEqual({ ...MMDET_TEST_PIPELINE, mean: m.img_norm_cfg.mean, std: m.img_norm_cfg.std, toRgb: m.img_norm_cfg.to_rgb });
    expect((preset.head as MmdetHeadConfig).neck).toMatchObject({ stride: 2, numOuts: 5 });
    model.dispose();
  });

  it('matchPreset / loadModel recognise an FCOS checkpoint by its keys (and prefer the preset naming the file)', async () => {
    void MMDET_BUILDER;
    const sd = zeroStateDict(manifest('fcos_hrnetv2p_w18_gn-head_4x4_1x_coco').keys);
    expect(matchPreset(sd)?.id).toBe('fcos-w18');
    expect(matchPreset(sd, 'mmdet', '/x/fcos_hrnetv2p_w18_gn-head_4x4_2x_coco_20201212_101110-5c575fa5.pth')?.id).toBe('fcos-w18');
    expect(detectorKindOfKeys(sd.keys())).toBe('fcos');
    const names = ['a', 'b', ...Array.from({ length: 78 }, (_, i) => `c${i}`)];
    const checkpoint: Checkpoint = { format: 'torch-zip', wrapper: 'meta+state_dict', prefix: null, stateDict: sd, ignored: [], extras: { meta: { CLASSES: names } } };
    const detector = await createDetector(checkpoint);
    expect(detector.model).toBeInstanceOf(FCOS);
    expect(detector.classNames).toEqual(names);
    detector.dispose();
  });
});

describe('FCOS config reading', () => {
  const detector = () => structuredClone((getPreset('fcos-w32').head as MmdetHeadConfig).detector!) as Record<string, Record<string, unknown>>;

  it('reads the zoo dict with mmdet defaults; names the kind', () => {
    const c = parseFcosConfig(detector());
    expect(c.bboxHead).toEqual({
      numClasses: 80,
      inChannels: 256,
      featChannels: 256,
      stackedConvs: 4,
      strides: [8, 16, 32, 64, 128],
      normOnBbox: false,
      centernessOnReg: false,
      norm: { numGroups: 32, eps: 1e-5 },
      convBias: false,
      clipBorder: true,
    });
    expect(detectorKind(detector())).toBe('fcos');
    expect(detectorKind((getPreset('mask-rcnn-w18').head as MmdetHeadConfig).detector)).toBe('mask_rcnn');
    expect(isFcosDetector({ type: 'RetinaNet', bbox_head: { type: 'RetinaHead' } })).toBe(false);
    const noNorm = detector();
    noNorm.bbox_head.norm_cfg = null as unknown as Record<string, unknown>;
    expect(parseFcosConfig(noNorm).bboxHead).toMatchObject({ norm: null, convBias: true });
  });

  it('bad FCOS configs fail with the path and what was expected', () => {
    const d = detector();
    d.bbox_head.dcn_on_last_conv = true as unknown as Record<string, unknown>;
    expect(() => parseFcosConfig(d)).toThrow(/model\.bbox_head\.dcn_on_last_conv is true; deformable convolutions are not supported/);
    const g = detector();
    g.bbox_head.norm_cfg = { type: 'GN', num_groups: 24 };
    expect(() => parseFcosConfig(g)).toThrow(/model\.bbox_head\.norm_cfg\.num_groups \(24\) must divide feat_channels \(256\)/);
    const s = detector();
    s.bbox_head.loss_cls = { type: 'CrossEntropyLoss' };
    expect(() => parseFcosConfig(s)).toThrow(/model\.bbox_head\.loss_cls\.use_sigmoid must be true/);
    const t = detector();
    delete t.test_cfg.nms;
    expect(() => parseFcosConfig(t)).toThrow(/model\.test_cfg\.nms_thr is missing/);
    const config = getPreset('fcos-w18');
    (config.head as MmdetHeadConfig).neck!.numOuts = 4;
    expect(() => new FCOS(config)).toThrow(/the neck gives 4 levels but bbox_head has 5 strides/);
  });

  it('the test pipeline: the config\'s img_norm_cfg with its channel order, else the FCOS-HRNet BGR one', () => {
    const whole = (toRgb: boolean) => ({ model: { type: 'FCOS', ...getPreset('fcos-w18'), bbox_head: {} }, img_norm_cfg: { mean: [1, 2, 3], std: [4, 5, 6], to_rgb: toRgb } });
    const base = { input: {}, test: {} };
    expect(fcosPipelineFromConfig({ ...base, source: whole(false) })).toMatchObject({ mean: [1, 2, 3], std: [4, 5, 6], toRgb: false });
    expect(fcosPipelineFromConfig({ ...base, source: whole(true) })).toMatchObject({ mean: [1, 2, 3], std: [4, 5, 6], toRgb: true });
    expect(fcosPipelineFromConfig(base)).toMatchObject({ mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], toRgb: false });
  });

  it('preprocessForDetection with toRgb false is the RGB input with its channels reversed (BGR mean / std)', () => {
    const width = 37;
    const height = 23;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 97 + 13) % 256);
    const rgb = preprocessForDetection({ width, height, data }, { ...MMDET_TEST_PIPELINE, imgScale: [64, 48] });
    const bgr = preprocessForDetection({ width, height, data }, { ...MMDET_TEST_PIPELINE, imgScale: [64, 48], mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], toRgb: false });
    expect(bgr.shape).toEqual(rgb.shape);
    expect(bgr.meta).toEqual(rgb.meta);
    for (let p = 0; p < rgb.data.length; p += 3) {
      expect([bgr.data[p], bgr.data[p + 1], bgr.data[p + 2]]).toEqual([rgb.data[p + 2], rgb.data[p + 1], rgb.data[p]]);
    }
  });
});

describe('an FCOS config no oracle case used (5 classes, norm_on_bbox without centerness_on_reg, 2 convs, GN(2) of 8)', () => {
  const config = parseModelConfig({
    type: 'FCOS',
    backbone: {
      type: 'HRNet',
      extra: {
        stage1: { num_modules: 1, num_branches: 1, block: 'BOTTLENECK', num_blocks: [1], num_channels: [8] },
        stage2: { num_modules: 1, num_branches: 2, block: 'BASIC', num_blocks: [1, 1], num_channels: [4, 8] },
        stage3: { num_modules: 1, num_branches: 3, block: 'BASIC', num_blocks: [1, 1, 1], num_channels: [4, 8, 12] },
        stage4: { num_modules: 1, num_branches: 4, block: 'BASIC', num_blocks: [1, 1, 1, 1], num_channels: [4, 8, 12, 16] },
      },
    },
    neck: { type: 'HRFPN', in_channels: [4, 8, 12, 16], out_channels: 8, stride: 2, num_outs: 5 },
    bbox_head: {
      type: 'FCOSHead',
      num_classes: 5,
      in_channels: 8,
      feat_channels: 8,
      stacked_convs: 2,
      strides: [8, 16, 32, 64, 128],
      norm_on_bbox: true,
      norm_cfg: { type: 'GN', num_groups: 2 },
    },
    test_cfg: { nms_pre: 50, score_thr: 0.05, nms: { type: 'nms', iou_threshold: 0.5 }, max_per_img: 20 },
  });

  it('runs: exact map shapes at strides 8..128 (HRFPN stride 2), detections in the image, the Box / results shape of Faster R-CNN', async () => {
    await useBackend('wasm');
    const model = new FCOS(config);
    randomizeWeights(model, 7);
    const x = tf.randomNormal([1, 96, 160, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const outputs = model.forwardNamed(x);
    // stride-4 reduction 24×40, pooled by 2^l, then the stride-2 3×3 conv: ceil(n / 2).
    const sizes = [
      [12, 20],
      [6, 10],
      [3, 5],
      [2, 3],
      [1, 1],
    ];
    sizes.forEach(([h, w], l) => {
      expect(outputs[`neck_out_${l}`].shape).toEqual([1, h, w, 8]);
      expect(outputs[`cls_score_${l}`].shape).toEqual([1, h, w, 5]);
      expect(outputs[`bbox_pred_${l}`].shape).toEqual([1, h, w, 4]);
      expect(outputs[`centerness_${l}`].shape).toEqual([1, h, w, 1]);
    });
    // norm_on_bbox: distances are relu(·) × stride, never negative.
    expect(Math.min(...(await outputs.bbox_pred_0.data()))).toBeGreaterThanOrEqual(0);
    tf.dispose(Object.values(outputs));

    const meta = { imgShape: [90, 150] as [number, number], scaleFactor: [1.5, 1.5, 1.5, 1.5] as [number, number, number, number] };
    const r = await model.simpleTest(x, meta, { testCfg: { scoreThr: 0.01 } });
    expect(r.scores.length).toBeGreaterThan(0);
    expect(r.scores.length).toBeLessThanOrEqual(20);
    expect([r.bboxes.length, r.labels.length]).toEqual([4 * r.scores.length, r.scores.length]);
    for (let i = 0; i < r.scores.length; i++) {
      expect(r.labels[i]).toBeGreaterThanOrEqual(0);
      expect(r.labels[i]).toBeLessThan(5);
      const [x1, y1, x2, y2] = r.bboxes.subarray(4 * i, 4 * i + 4);
      expect([x1 >= 0, y1 >= 0, x2 <= 100, y2 <= 60, x1 <= x2, y1 <= y2]).toEqual([true, true, true, true, true, true]);
    }
    x.dispose();

    const before = tf.memory().numTensors;
    const detector = await createDetector(model, { classNames: ['a', 'b', 'c', 'd', 'e'] });
    const image = { width: 150, height: 90, data: Uint8Array.from({ length: 150 * 90 * 3 }, (_, i) => (i * 31) % 256) };
    const detections = await detector.detect(image, { scoreThreshold: 0.01, maxDetections: 7, pipeline: { imgScale: [160, 96] } });
    expect(detections.length).toBeGreaterThan(0);
    expect(detections.length).toBeLessThanOrEqual(7);
    for (const d of detections) {
      expect(Object.keys(d).sort()).toEqual(['box', 'label', 'labelId', 'score']);
      expect(Object.keys(d.box).sort()).toEqual(['xmax', 'xmin', 'ymax', 'ymin']);
      expect(d.label).toBe('abcde'[d.labelId]);
    }
    expect(tf.memory().numTensors).toBe(before);
    detector.dispose();
  });
});
