import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, exportStateDict, getPreset, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { CascadeRCNN } from '../cascade-rcnn.js';
import {
  type CascadeRcnnTrainConfig,
  defaultFasterRcnnTrainConfig,
  type FasterRcnnTrainConfig,
  parseCascadeRcnnTrainConfig,
  parseDetectorLossConfig,
  parseDetectorTrainConfig,
} from './train-config.js';
import { type DetectorTrainProgress, trainDetector } from './train-detector.js';
import type { DetectionExample } from './train-pipeline.js';

const detectorDict = (preset: string) => structuredClone((getPreset(preset).head as { detector: Record<string, unknown> }).detector);

describe('parseDetectorTrainConfig: train_cfg, losses and stage weights of a two-stage model dict', () => {
  it("a cascade preset (no train_cfg, no losses) trains with cascade_rcnn_r50_fpn.py's settings", () => {
    const cfg = parseDetectorTrainConfig(detectorDict('cascade-mask-rcnn-w32')) as CascadeRcnnTrainConfig;
    expect(cfg.stageLossWeights).toEqual([1, 0.5, 0.25]);
    expect(cfg.rpn.allowedBorder).toBe(0);
    expect(cfg.rpnProposal).toEqual({ nmsPre: 2000, maxPerImg: 2000, iouThreshold: 0.7, minBboxSize: 0 });
    expect(cfg.rcnn.map((r) => [r.assigner.posIouThr, r.assigner.negIouThr, r.assigner.minPosIou, r.assigner.matchLowQuality])).toEqual([
      [0.5, 0.5, 0.5, false],
      [0.6, 0.6, 0.6, false],
      [0.7, 0.7, 0.7, false],
    ]);
    for (const r of cfg.rcnn) expect(r.sampler).toEqual({ num: 512, posFraction: 0.25, negPosUb: -1, addGtAsProposals: true });
    expect(cfg.losses).toEqual({
      rpnCls: 1,
      rpnBbox: { type: 'SmoothL1Loss', beta: 1 / 9, lossWeight: 1 },
      rcnn: Array(3).fill({ cls: 1, bbox: { type: 'SmoothL1Loss', beta: 1, lossWeight: 1 } }),
      mask: [1, 1, 1],
    });
    // Faster R-CNN presets keep faster_rcnn_r50_fpn.py's L1 losses and train_cfg.
    const faster = parseDetectorTrainConfig(detectorDict('faster-rcnn-w32')) as FasterRcnnTrainConfig;
    expect({ ...faster, losses: undefined }).toEqual({ ...defaultFasterRcnnTrainConfig(), losses: undefined });
    expect(faster.losses).toEqual({ rpnCls: 1, rpnBbox: { type: 'L1Loss', lossWeight: 1 }, rcnn: [{ cls: 1, bbox: { type: 'L1Loss', lossWeight: 1 } }], mask: [] });
  });

  it('reads mmdet per-stage rcnn lists over the defaults, one dict for every stage, and refuses what it cannot train', () => {
    const dict = detectorDict('cascade-rcnn-w18');
    const roi = dict.roi_head as Record<string, unknown>;
    roi.stage_loss_weights = [1, 0.4, 0.1];
    (roi.bbox_head as Record<string, unknown>[])[2].loss_bbox = { type: 'L1Loss', loss_weight: 2 };
    dict.train_cfg = {
      rpn: { allowed_border: -1 },
      rcnn: [{ assigner: { pos_iou_thr: 0.55, neg_iou_thr: 0.45 } }, {}, { sampler: { type: 'RandomSampler', num: 64, pos_fraction: 0.5 }, pos_weight: 2 }],
    };
    const cfg = parseDetectorTrainConfig(dict) as CascadeRcnnTrainConfig;
    expect(cfg.stageLossWeights).toEqual([1, 0.4, 0.1]);
    expect(cfg.rpn.allowedBorder).toBe(-1);
    expect(cfg.rcnn[0].assigner).toMatchObject({ posIouThr: 0.55, negIouThr: 0.45, minPosIou: 0.5 });
    expect(cfg.rcnn[1].assigner).toMatchObject({ posIouThr: 0.6, negIouThr: 0.6, minPosIou: 0.6 });
    expect(cfg.rcnn[2]).toMatchObject({ sampler: { num: 64, posFraction: 0.5, addGtAsProposals: true }, posWeight: 2, assigner: { posIouThr: 0.7 } });
    expect(cfg.losses?.rcnn[2].bbox).toEqual({ type: 'L1Loss', lossWeight: 2 });
    expect(cfg.losses?.rcnn[1].bbox).toEqual({ type: 'SmoothL1Loss', beta: 1, lossWeight: 1 });

    const shared = parseCascadeRcnnTrainConfig({ rcnn: { sampler: { type: 'RandomSampler', num: 32, pos_fraction: 0.25 } } }, 3);
    expect(shared.rcnn.map((r) => [r.sampler.num, r.assigner.posIouThr])).toEqual([
      [32, 0.5],
      [32, 0.6],
      [32, 0.7],
    ]);
    expect(() => parseCascadeRcnnTrainConfig({ rcnn: [{}, {}] }, 3)).toThrow(/lists 2 stages but the cascade has 3/);
    expect(() => parseDetectorTrainConfig({ ...dict, train_cfg: { rcnn: [{}, {}, { assigner: { type: 'ATSSAssigner' } }] } })).toThrow(/ATSSAssigner/);
    (roi.bbox_head as Record<string, unknown>[])[1].loss_bbox = { type: 'GIoULoss', loss_weight: 10 };
    expect(() => parseDetectorLossConfig(dict)).toThrow(/bbox_head\[1\]\.loss_bbox\.type is "GIoULoss"/);
    (roi.bbox_head as Record<string, unknown>[])[1].loss_bbox = { type: 'SmoothL1Loss', beta: 1 };
    (roi.bbox_head as Record<string, unknown>[])[0].loss_cls = { type: 'CrossEntropyLoss', use_sigmoid: true };
    expect(() => parseDetectorLossConfig(dict)).toThrow(/bbox_head\[0\]\.loss_cls\.use_sigmoid must be false/);
  });
});

/** A 64×64 scene with an ellipse (label 2) and a rectangle (label 5), with their masks. */
function scene(shift: number): DetectionExample {
  const size = 64;
  const data = new Uint8Array(size * size * 3);
  const ellipse = new Uint8Array(size * size);
  const rect = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      data.set([90 + ((x * 7 + y * 3) % 40), 100, 110], 3 * i);
      if (((x + 0.5 - 20 - shift) / 12) ** 2 + ((y + 0.5 - 22) / 10) ** 2 < 1) {
        ellipse[i] = 1;
        data.set([220, 40, 40], 3 * i);
      }
      if (x >= 34 && x < 58 && y >= 30 + shift && y < 48 + shift) {
        rect[i] = 1;
        data.set([40, 60, 220], 3 * i);
      }
    }
  }
  return {
    image: { data, width: size, height: size },
    boxes: [
      [8 + shift, 12, 32 + shift, 32],
      [34, 30 + shift, 58, 48 + shift],
    ],
    labels: [2, 5],
    masks: [ellipse, rect],
  };
}

describe('trainDetector trains a Cascade Mask R-CNN the way it trains a Faster R-CNN (wasm)', () => {
  it("reports mmdet's per-stage losses, on one thread and on 2 workers; weights move, nothing leaks", async () => {
    await useBackend('wasm');
    await enableTraining();
    const c = oracleCase('mmdet_cascade_mask_rcnn');
    const dict = JSON.parse(c.configText);
    delete dict.img_metas;
    const model = new CascadeRCNN(parseModelConfig(dict));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const initial = exportStateDict(model);
    const examples = [scene(0), scene(4)];
    const options = { batchSize: 2, learningRate: 0.01, warmupIters: 1, pipeline: { imgScale: [64, 64] as [number, number] }, seed: 3 };
    // Lighter sampling than the 512 RoIs of the default cascade train_cfg.
    const trainCfg = parseCascadeRcnnTrainConfig({ rcnn: { sampler: { type: 'RandomSampler', num: 32, pos_fraction: 0.25 } } }, 3, [1, 0.5, 0.25]);
    const before = tf.memory().numTensors;
    const steps: DetectorTrainProgress[] = [];
    await trainDetector(model, examples, { ...options, epochs: 2, trainCfg, onProgress: (p) => steps.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    const names = [0, 1, 2].flatMap((i) => ['loss_cls', 'acc', 'loss_bbox', 'loss_mask'].map((t) => `s${i}.${t}`));
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      expect(Object.keys(s.losses).filter((k) => k.startsWith('s')).sort()).toEqual([...names].sort());
      for (const [k, v] of Object.entries(s.losses)) expect(Number.isFinite(v), k).toBe(true);
      const stageSum = [0, 1, 2].reduce((a, i) => a + s.losses[`s${i}.loss_cls`], 0);
      expect(s.losses.lossCls).toBeCloseTo(stageSum, 5);
      expect(s.lossMask).toBeGreaterThan(0);
    }
    const moved = (key: string) => {
      const a = initial.get(key)!.values as Float32Array;
      const b = exportStateDict(model).get(key)!.values as Float32Array;
      return a.some((v, i) => v !== b[i]);
    };
    for (const k of ['roi_head.bbox_head.0.fc_cls.weight', 'roi_head.bbox_head.2.fc_reg.weight', 'roi_head.mask_head.1.conv_logits.weight', 'rpn_head.rpn_cls.weight']) {
      expect(moved(k), k).toBe(true);
    }

    // Data-parallel: the replicas build the cascade from the config and their stage terms are averaged.
    const parallel: DetectorTrainProgress[] = [];
    await trainDetector(model, examples, { ...options, epochs: 1, trainCfg, workers: 2, onProgress: (p) => parallel.push(p) });
    expect(parallel).toHaveLength(1);
    expect(Object.keys(parallel[0].losses).filter((k) => k.startsWith('s')).sort()).toEqual([...names].sort());
    for (const v of Object.values(parallel[0].losses)) expect(Number.isFinite(v)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
