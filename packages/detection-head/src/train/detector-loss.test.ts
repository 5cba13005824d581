import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, parseModelConfig } from '@hrnetjs/core';
import { useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { FasterRCNN } from '../faster-rcnn.js';
import { detectorForwardTrain } from './detector-loss.js';
import { initDetectorWeights } from './init-weights.js';
import { freezeBatchNormStats } from './norm-eval.js';
import { defaultFasterRcnnTrainConfig, parseFasterRcnnTrainConfig } from './train-config.js';

beforeAll(async () => {
  await useBackend('wasm');
  await enableTraining();
});

function tinyModel(): FasterRCNN {
  const dict = JSON.parse(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8'));
  dict.roi_head.bbox_head.num_classes = 2;
  const model = new FasterRCNN(parseModelConfig(dict));
  initDetectorWeights(model, 4);
  return model;
}

const sample = {
  meta: { imgShape: [64, 64] as [number, number], scaleFactor: [1, 1, 1, 1] as [number, number, number, number], padShape: [64, 64] as [number, number] },
  gtBboxes: Float32Array.from([8, 8, 40, 36, 30, 20, 60, 50]),
  gtLabels: Int32Array.from([0, 1]),
};
const input = () => tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

/** Every state-dict key whose variable received a non-zero gradient from `pick` of the losses. */
function keysWithGradient(model: FasterRCNN, pick: 'lossCls' | 'lossRpnCls'): Set<string> {
  const vars = model.trainableVariables();
  const x = input();
  let seed = 0;
  const { grads } = tf.variableGrads(() => detectorForwardTrain(model, x, [sample], defaultFasterRcnnTrainConfig(), () => ((seed = (seed * 9301 + 49297) % 233280) / 233280))[pick], vars);
  const byVar = new Map(vars.map((v) => [v.name, v]));
  const nonZero = new Set<tf.Variable>();
  for (const [name, g] of Object.entries(grads)) if (tf.max(tf.abs(g)).dataSync()[0] > 0) nonZero.add(byVar.get(name) as tf.Variable);
  tf.dispose([x, ...Object.values(grads)]);
  // Map variables back to keys through the modules that own them.
  const keys = new Set<string>();
  for (const e of model.boundEntries()) {
    const v = (e.owner as unknown as { variables: Map<string, tf.Variable> }).variables.get(e.name);
    if (v && nonZero.has(v)) keys.add(e.key);
  }
  return keys;
}

describe('detectorForwardTrain (mmdet TwoStageDetector.forward_train)', () => {
  it('RoI losses reach the neck and backbone through RoIAlign, not the RPN (proposals carry no gradient)', () => {
    const model = tinyModel();
    model.setTraining(true);
    const fromRoi = keysWithGradient(model, 'lossCls');
    expect(fromRoi.has('roi_head.bbox_head.fc_cls.weight')).toBe(true);
    expect(fromRoi.has('neck.fpn_convs.0.conv.weight')).toBe(true);
    expect(fromRoi.has('neck.reduction_conv.conv.weight')).toBe(true);
    expect(fromRoi.has('backbone.conv1.weight')).toBe(true);
    expect([...fromRoi].some((k) => k.startsWith('rpn_head.'))).toBe(false);
    const fromRpn = keysWithGradient(model, 'lossRpnCls');
    expect(fromRpn.has('rpn_head.rpn_cls.weight')).toBe(true);
    expect(fromRpn.has('rpn_head.rpn_reg.weight')).toBe(false);
    expect([...fromRpn].some((k) => k.startsWith('roi_head.'))).toBe(false);
    model.setTraining(false);
    model.dispose();
  });

  it('gives four finite losses with the initial RoI CE near ln(K + 1), and frees every intermediate', () => {
    const model = tinyModel();
    model.setTraining(true);
    const x = input();
    const before = tf.memory().numTensors;
    const losses = detectorForwardTrain(model, x, [sample], defaultFasterRcnnTrainConfig(), Math.random);
    expect(tf.memory().numTensors).toBe(before + 5);
    // fc_cls ~ N(0, 0.01): near-uniform softmax over 2 classes + background.
    expect(losses.lossCls.dataSync()[0]).toBeCloseTo(Math.log(3), 1);
    expect(losses.lossRpnCls.dataSync()[0]).toBeCloseTo(Math.log(2), 1);
    expect(losses.total.dataSync()[0]).toBeCloseTo(
      [losses.lossRpnCls, losses.lossRpnBbox, losses.lossCls, losses.lossBbox].reduce((a, t) => a + t.dataSync()[0], 0),
      5,
    );
    expect(() => detectorForwardTrain(model, x, [sample, sample], defaultFasterRcnnTrainConfig(), Math.random)).toThrow(/2 samples for a batch of 1/);
    tf.dispose([x, ...Object.values(losses)]);
    model.setTraining(false);
    model.dispose();
  });

  it('norm_eval: backbone BN uses the running stats (training output = inference output) and leaves them unchanged', () => {
    const model = tinyModel();
    const entry = [...model.features.backbone.boundEntries()].find((e) => e.name === 'running_mean');
    if (!entry) throw new Error('the backbone has no BatchNorm');
    const restore = freezeBatchNormStats(model.features.backbone);
    const x = input();
    model.setTraining(true);
    const mean = entry.owner.currentValue('running_mean');
    const frozen = tf.tidy(() => model.neckLevels(x)[0].dataSync());
    expect(entry.owner.currentValue('running_mean')).toEqual(mean);
    model.setTraining(false);
    const inference = tf.tidy(() => model.neckLevels(x)[0].dataSync());
    let worst = 0;
    for (let i = 0; i < frozen.length; i++) worst = Math.max(worst, Math.abs(frozen[i] - inference[i]));
    expect(worst).toBeLessThan(1e-3);
    restore();
    model.setTraining(true);
    tf.tidy(() => model.neckLevels(x));
    expect(entry.owner.currentValue('running_mean')).not.toEqual(mean);
    model.setTraining(false);
    x.dispose();
    model.dispose();
  });
});

describe('parseFasterRcnnTrainConfig (mmdet train_cfg dict)', () => {
  it('reads mmdet keys and keeps the defaults elsewhere', () => {
    const cfg = parseFasterRcnnTrainConfig({
      rpn: { assigner: { type: 'MaxIoUAssigner', pos_iou_thr: 0.6, neg_iou_thr: [0.1, 0.3], min_pos_iou: 0.2 }, allowed_border: 0 },
      rpn_proposal: { nms_pre: 500, max_per_img: 300, nms: { type: 'nms', iou_threshold: 0.8 }, min_bbox_size: 0 },
    });
    expect(cfg.rpn.assigner).toMatchObject({ posIouThr: 0.6, negIouThr: [0.1, 0.3], minPosIou: 0.2, matchLowQuality: true });
    expect(cfg.rpn.allowedBorder).toBe(0);
    expect(cfg.rpnProposal).toEqual({ nmsPre: 500, maxPerImg: 300, iouThreshold: 0.8, minBboxSize: 0 });
    expect(cfg.rcnn).toEqual(defaultFasterRcnnTrainConfig().rcnn);
    expect(() => parseFasterRcnnTrainConfig({ rcnn: { sampler: { type: 'OHEMSampler' } } })).toThrow(/OHEMSampler/);
  });
});
