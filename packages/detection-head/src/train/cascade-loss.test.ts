import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, loadStateDict, Module, parseModelConfig, readCheckpoint, trainableVariablesByKey } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase, trainCase } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { CascadeRCNN } from '../cascade-rcnn.js';
import { parseCascadeConfig } from '../cascade-rcnn-config.js';
import { CascadeRoIHead } from '../cascade-roi-head.js';
import { type FasterRcnnConfig, parseFasterRcnnConfig } from '../faster-rcnn-config.js';
import { StandardRoIHead } from '../roi-head.js';
import { RPNHead } from '../rpn-head.js';
import { detectorForwardTrain, detectorLossesOnLevels, type DetectorLosses } from './detector-loss.js';
import { initDetectorWeights } from './init-weights.js';
import { type CascadeRcnnTrainConfig, defaultFasterRcnnTrainConfig, parseDetectorTrainConfig } from './train-config.js';
import type { DetectorTrainTarget } from './train-target.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

/**
 * A configuration no oracle case used: the tiny Cascade Mask R-CNN of tools/oracle/cases/
 * mmdet_cascade_mask_rcnn grown to 4 stages (class-specific stages 1 and 3, SmoothL1 β 0.25, stage
 * weights [0.9, 0.6, 0.3, 0.2]) and trained with real random sampling (24 RoIs per image, half
 * positive) at IoU 0.4 / 0.5 / 0.6 / 0.7.
 */
function fourStageDict(): Record<string, unknown> {
  const dict = JSON.parse(oracleCase('mmdet_cascade_mask_rcnn').configText);
  delete dict.img_metas;
  delete dict.rescale;
  const roi = dict.roi_head;
  const stds = [
    [0.1, 0.1, 0.2, 0.2],
    [0.05, 0.05, 0.1, 0.1],
    [0.033, 0.033, 0.067, 0.067],
    [0.02, 0.02, 0.04, 0.04],
  ];
  roi.num_stages = 4;
  roi.stage_loss_weights = [0.9, 0.6, 0.3, 0.2];
  roi.bbox_head = stds.map((s, i) => ({
    ...roi.bbox_head[0],
    reg_class_agnostic: i % 2 === 0,
    bbox_coder: { type: 'DeltaXYWHBBoxCoder', target_means: [0, 0, 0, 0], target_stds: s },
    loss_bbox: { type: 'SmoothL1Loss', beta: 0.25, loss_weight: 1.0 },
  }));
  const stage = (iou: number) => ({
    assigner: { type: 'MaxIoUAssigner', pos_iou_thr: iou, neg_iou_thr: iou, min_pos_iou: iou, match_low_quality: false, ignore_iof_thr: -1 },
    sampler: { type: 'RandomSampler', num: 24, pos_fraction: 0.5, neg_pos_ub: -1, add_gt_as_proposals: true },
    mask_size: 28,
    pos_weight: -1,
  });
  dict.train_cfg = { rpn_proposal: { nms_pre: 300, max_per_img: 100, nms: { type: 'nms', iou_threshold: 0.7 }, min_bbox_size: 0 }, rcnn: [0.4, 0.5, 0.6, 0.7].map(stage) };
  return dict;
}

function ellipseMask(box: number[], size: number): Uint8Array {
  const [x1, y1, x2, y2] = box;
  const m = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if ((((x + 0.5 - (x1 + x2) / 2) * 2) / (x2 - x1)) ** 2 + (((y + 0.5 - (y1 + y2) / 2) * 2) / (y2 - y1)) ** 2 < 1) m[y * size + x] = 1;
  }
  return m;
}

const boxes = [
  [8, 8, 40, 36],
  [30, 20, 60, 50],
];
const sample: DetectorTrainTarget = {
  meta: { imgShape: [64, 64], padShape: [64, 64] },
  gtBboxes: Float32Array.from(boxes.flat()),
  gtLabels: Int32Array.from([3, 6]),
  gtMasks: { height: 64, width: 64, masks: boxes.map((b) => ellipseMask(b, 64)) },
};

const read = (l: DetectorLosses) => {
  const out: Record<string, number> = { lossRpnCls: l.lossRpnCls.dataSync()[0], lossCls: l.lossCls.dataSync()[0], lossBbox: l.lossBbox.dataSync()[0], total: l.total.dataSync()[0] };
  if (l.lossMask) out.lossMask = l.lossMask.dataSync()[0];
  for (const [k, v] of Object.entries(l.stages ?? {})) out[k] = v.dataSync()[0];
  return out;
};

describe('Cascade (Mask) R-CNN training on a configuration the oracle cases did not use', () => {
  it("4 stages with random sampling: mmdet's per-stage names, sums and total; stage weights scale only their stage; gradients reach every stage's heads; no leaks", () => {
    const dict = fourStageDict();
    const model = new CascadeRCNN(parseModelConfig(dict));
    initDetectorWeights(model, 9);
    const trainCfg = parseDetectorTrainConfig(dict) as CascadeRcnnTrainConfig;
    expect(trainCfg.stageLossWeights).toEqual([0.9, 0.6, 0.3, 0.2]);
    expect(trainCfg.losses?.rcnn.map((r) => r.bbox)).toEqual(Array(4).fill({ type: 'SmoothL1Loss', beta: 0.25, lossWeight: 1 }));
    expect(trainCfg.rcnn.map((r) => r.assigner.posIouThr)).toEqual([0.4, 0.5, 0.6, 0.7]);
    model.setTraining(true);
    const x = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;

    const losses = detectorForwardTrain(model, x, [sample], trainCfg, createRandom(21));
    const v = read(losses);
    const names = [0, 1, 2, 3].flatMap((i) => ['loss_cls', 'acc', 'loss_bbox', 'loss_mask'].map((t) => `s${i}.${t}`));
    expect(Object.keys(losses.stages ?? {}).sort()).toEqual(names.sort());
    for (const [k, value] of Object.entries(v)) expect(Number.isFinite(value), k).toBe(true);
    for (let i = 0; i < 4; i++) {
      expect(v[`s${i}.acc`]).toBeGreaterThanOrEqual(0);
      expect(v[`s${i}.acc`]).toBeLessThanOrEqual(100);
      expect(v[`s${i}.loss_mask`]).toBeGreaterThan(0);
    }
    const sum = (t: string) => [0, 1, 2, 3].reduce((a, i) => a + v[`s${i}.${t}`], 0);
    expect(v.lossCls).toBeCloseTo(sum('loss_cls'), 5);
    expect(v.lossBbox).toBeCloseTo(sum('loss_bbox'), 5);
    expect(v.lossMask).toBeCloseTo(sum('loss_mask'), 5);
    expect(v.total).toBeCloseTo(v.lossRpnCls + losses.lossRpnBbox.dataSync()[0] + sum('loss_cls') + sum('loss_bbox') + sum('loss_mask'), 5);
    // Everything the call made comes back in the result (5 terms + 16 stage entries), nothing else stays.
    expect(tf.memory().numTensors).toBe(before + 6 + 16);
    tf.dispose(losses as unknown as tf.TensorContainer);

    // Same seed, other stage weights: each stage's losses scale by its weight, accuracies and samples stay.
    const unweighted = detectorForwardTrain(model, x, [sample], { ...trainCfg, stageLossWeights: [1, 1, 1, 1] }, createRandom(21));
    const reweighted = read(unweighted);
    tf.dispose(unweighted as unknown as tf.TensorContainer);
    for (let i = 0; i < 4; i++) {
      for (const t of ['loss_cls', 'loss_bbox', 'loss_mask']) expect(v[`s${i}.${t}`] / reweighted[`s${i}.${t}`], `s${i}.${t}`).toBeCloseTo(trainCfg.stageLossWeights[i], 5);
      expect(v[`s${i}.acc`]).toBe(reweighted[`s${i}.acc`]);
    }

    // The RoI losses train every stage's bbox and mask head, the neck and backbone, never the RPN.
    const vars = trainableVariablesByKey(model);
    const { grads, value } = tf.variableGrads(() => {
      const l = detectorForwardTrain(model, x, [sample], trainCfg, createRandom(21));
      return tf.add(l.lossCls, tf.add(l.lossBbox, l.lossMask!)) as tf.Scalar;
    }, [...vars.values()]);
    // (variables off the tape get a null gradient)
    const moved = new Set([...vars].filter(([, w]) => grads[w.name] && tf.tidy(() => tf.max(tf.abs(grads[w.name])).dataSync()[0]) > 0).map(([k]) => k));
    for (let i = 0; i < 4; i++) {
      for (const k of [`roi_head.bbox_head.${i}.fc_cls.weight`, `roi_head.bbox_head.${i}.fc_reg.weight`, `roi_head.bbox_head.${i}.shared_fcs.0.weight`, `roi_head.mask_head.${i}.conv_logits.weight`]) {
        expect(moved.has(k), k).toBe(true);
      }
    }
    expect(moved.has('neck.reduction_conv.conv.weight')).toBe(true);
    expect(moved.has('backbone.conv1.weight')).toBe(true);
    expect([...moved].filter((k) => k.startsWith('rpn_head.'))).toEqual([]);
    tf.dispose([value, ...Object.values(grads).filter(Boolean)]);
    expect(tf.memory().numTensors).toBe(before);

    expect(() => detectorForwardTrain(model, x, [sample], defaultFasterRcnnTrainConfig(), createRandom(1))).toThrow(/one train_cfg.rcnn entry per stage \(4\)/);
    x.dispose();
    model.setTraining(false);
    model.dispose();
  });

  it('a 1-stage cascade with stage weight 1 gives the Faster R-CNN RoI losses and gradients (same weights, same random sampling)', () => {
    const c = trainCase('train_det');
    const config = JSON.parse(new TextDecoder().decode(c.bytes(c.manifest.config)));
    const cascadeConfig = structuredClone(config);
    cascadeConfig.roi_head = { ...config.roi_head, type: 'CascadeRoIHead', num_stages: 1, stage_loss_weights: [1], bbox_head: [config.roi_head.bbox_head] };
    // Few RoIs per image: the sampler draws random numbers, which both paths must use alike.
    config.train_cfg.rcnn.sampler.num = 12;
    cascadeConfig.train_cfg.rcnn = [config.train_cfg.rcnn];
    class Heads extends Module {
      readonly rpnHead: RPNHead;
      readonly roiHead: StandardRoIHead | CascadeRoIHead;
      readonly detector: FasterRcnnConfig;
      constructor(dict: Record<string, unknown>) {
        super();
        this.detector = parseFasterRcnnConfig(dict);
        this.rpnHead = this.child('rpn_head', new RPNHead(this.detector.rpnHead));
        const roi = dict.roi_head as { type: string };
        this.roiHead = this.child(
          'roi_head',
          roi.type === 'CascadeRoIHead' ? new CascadeRoIHead(this.detector.roiExtractor, parseCascadeConfig(dict).stages) : new StandardRoIHead(this.detector.roiExtractor, this.detector.bboxHead),
        );
      }
    }
    const state = readCheckpoint(c.bytes(c.manifest.heads)).stateDict;
    const faster = new Heads(config);
    loadStateDict(faster, state);
    const cascade = new Heads(cascadeConfig);
    loadStateDict(cascade, new Map([...state].map(([k, t]) => [k.replace('roi_head.bbox_head.', 'roi_head.bbox_head.0.'), t])));
    const levels = [0, 1].map((i) => tf.variable(tf.randomNormal([2, 64 >> (2 + i), 64 >> (2 + i), 8], 0, 1, 'float32', 40 + i)) as tf.Variable<tf.Rank.R4>);
    const samples = (c.manifest.gt_bboxes as number[][][]).map((b, i) => ({
      meta: { imgShape: [64, 64] as [number, number], padShape: [64, 64] as [number, number] },
      gtBboxes: Float32Array.from(b.flat()),
      gtLabels: Int32Array.from(c.manifest.gt_labels[i]),
    }));
    const proposals = (c.manifest.proposals as number[][][]).map((p) => Float32Array.from(p.flat()));
    const run = (heads: Heads, cfg: Record<string, unknown>) => {
      const trainCfg = parseDetectorTrainConfig(cfg);
      const vars = [...trainableVariablesByKey(heads)];
      const out: Record<string, number> = {};
      const stream = createRandom(77);
      const random = () => {
        out.draws = (out.draws ?? 0) + 1;
        return stream();
      };
      const { value, grads } = tf.variableGrads(() => {
        const l = detectorLossesOnLevels(heads, levels, samples, trainCfg, random, proposals);
        out.lossCls = l.lossCls.dataSync()[0];
        out.lossBbox = l.lossBbox.dataSync()[0];
        out.lossRpnCls = l.lossRpnCls.dataSync()[0];
        return l.total;
      }, [...vars.map(([, v]) => v), ...levels]);
      const g = new Map(vars.map(([k, v]) => [k.replace('roi_head.bbox_head.0.', 'roi_head.bbox_head.'), grads[v.name].dataSync() as Float32Array]));
      levels.forEach((l, i) => g.set(`level_${i}`, grads[l.name].dataSync() as Float32Array));
      tf.dispose([value, ...Object.values(grads)]);
      return { out, g };
    };
    faster.setTraining(true);
    cascade.setTraining(true);
    const a = run(faster, config);
    const b = run(cascade, cascadeConfig);
    expect(a.out.draws).toBeGreaterThan(10);
    expect(b.out).toEqual(a.out);
    expect([...b.g.keys()].sort()).toEqual([...a.g.keys()].sort());
    for (const [k, ga] of a.g) expect(Array.from(b.g.get(k)!), k).toEqual(Array.from(ga));
    tf.dispose(levels);
    faster.dispose();
    cascade.dispose();
  });
});
