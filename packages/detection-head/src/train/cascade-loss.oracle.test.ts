import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, fromNCHW, loadStateDict, Module, readCheckpoint, toNCHW, trainableVariablesByKey } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { namedDifferences, trainCase, unpackMasks } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { parseCascadeConfig } from '../cascade-rcnn-config.js';
import { CascadeRoIHead } from '../cascade-roi-head.js';
import { type FasterRcnnConfig, parseFasterRcnnConfig } from '../faster-rcnn-config.js';
import { parseMaskBranch } from '../mask-rcnn-config.js';
import { RPNHead } from '../rpn-head.js';
import { type CascadeStageRecord, cascadeRoiLosses } from './cascade-loss.js';
import { detectorLossesOnLevels } from './detector-loss.js';
import { type CascadeRcnnTrainConfig, parseDetectorTrainConfig } from './train-config.js';
import type { DetectorTrainTarget } from './train-target.js';

// tools/oracle/cases/train_cascade_{mask,rcnn} (tools/oracle/gen_cascade_train.py): mmdet 2.x
// RPNHead.loss and CascadeRoIHead.forward_train on fixed feature levels, gt (and masks) and
// proposals, with samplers that take every candidate; mmdet's loss dict and the gradient of the
// sum of its losses.
const LOSS_TOLERANCE = 1e-5; // relative
// × each tensor's std, plus 5× the official float32's own rounding (manifest float32_noise).
const TOLERANCE = 1e-4;

/** RPN + cascade RoI heads with their official state-dict prefixes (`rpn_head.*`, `roi_head.*`). */
class Heads extends Module {
  readonly rpnHead: RPNHead;
  readonly roiHead: CascadeRoIHead;
  readonly detector: FasterRcnnConfig;
  constructor(config: Record<string, unknown>) {
    super();
    this.detector = parseFasterRcnnConfig(config);
    const cascade = parseCascadeConfig(config);
    this.rpnHead = this.child('rpn_head', new RPNHead(this.detector.rpnHead));
    this.roiHead = this.child('roi_head', new CascadeRoIHead(this.detector.roiExtractor, cascade.stages, parseMaskBranch(config, cascade.numStages)));
  }
}

async function loadCase(name: string) {
  const c = trainCase(name);
  const m = c.manifest;
  const config = JSON.parse(new TextDecoder().decode(c.bytes(m.config)));
  const heads = new Heads(config);
  loadStateDict(heads, readCheckpoint(c.bytes(m.heads)).stateDict);
  const trainCfg = parseDetectorTrainConfig(config) as CascadeRcnnTrainConfig;
  const levels = await Promise.all(
    m.levels.map(async (l: { file: string }) => {
      const t = fromNCHW(await readNpyFile(c.path(l.file)));
      const v = tf.variable(t);
      t.dispose();
      return v;
    }),
  );
  const pad = m.pad_shape as [number, number];
  let masks: Uint8Array[] = [];
  if (m.gt_masks) {
    const { counts, height, width, file } = m.gt_masks as { counts: number[]; height: number; width: number; file: string };
    masks = unpackMasks((await readNpyFile(c.path(file))).values as Uint8Array, counts.reduce((a, b) => a + b, 0), height, width);
  }
  let taken = 0;
  const samples: DetectorTrainTarget[] = (m.gt_bboxes as number[][][]).map((boxes, b) => {
    const gtMasks = m.gt_masks ? { height: pad[0], width: pad[1], masks: masks.slice(taken, (taken += boxes.length)) } : undefined;
    return {
      meta: { imgShape: m.img_shapes[b] as [number, number], padShape: pad },
      gtBboxes: Float32Array.from(boxes.flat()),
      gtLabels: Int32Array.from(m.gt_labels[b]),
      ...(gtMasks ? { gtMasks } : {}),
    };
  });
  const proposals = (m.proposals as number[][][]).map((p) => Float32Array.from(p.flat()));
  return { c, m, heads, trainCfg, levels: levels as tf.Variable<tf.Rank.R4>[], samples, proposals };
}

// Every candidate is sampled, so the sampler's random numbers must not matter.
const random = () => {
  throw new Error('the sampler drew a random number although every candidate fits');
};

describe.each([
  ['train_cascade_mask', '3-stage Cascade Mask R-CNN'],
  ['train_cascade_rcnn', '2-stage Cascade R-CNN'],
])('%s: detectorLossesOnLevels matches mmdet 2.x %s training (wasm)', (name) => {
  it("every stage's proposals and samples, mmdet's loss dict, and the gradient of every head parameter and feature level", async () => {
    await useBackend('wasm');
    await enableTraining();
    const before = tf.memory().numTensors;
    const { c, m, heads, trainCfg, levels, samples, proposals } = await loadCase(name);
    expect(trainCfg.stageLossWeights).toEqual(JSON.parse(new TextDecoder().decode(c.bytes(m.config))).roi_head.stage_loss_weights);

    // The refined boxes each stage starts from (stage ≥ 1: refine_bboxes of the stage before) and what it sampled.
    const stages: CascadeStageRecord[] = [];
    tf.tidy(() => {
      cascadeRoiLosses(heads.roiHead, levels, proposals, samples, trainCfg, random, (s) => stages.push(s));
    });
    expect(stages).toHaveLength(m.stage_proposals.length);
    let worstBox = 0;
    for (const [i, s] of stages.entries()) {
      s.targets.forEach((t, b) => {
        const official = m.sampled[i][b];
        expect({ pos: t.numPos, neg: t.labels.length - t.numPos, pos_is_gt: t.posIsGt.reduce((a, v) => a + v, 0) }, `stage ${i} image ${b}`).toEqual(official);
      });
      s.proposals.forEach((p, b) => {
        const official = (m.stage_proposals[i][b] as number[][]).flat();
        expect(p.length, `stage ${i} image ${b} proposals`).toBe(official.length);
        for (let k = 0; k < p.length; k++) worstBox = Math.max(worstBox, Math.abs(p[k] - official[k]));
      });
    }
    console.log(`[${name}] refined proposals: worst |ours − official| = ${worstBox.toExponential(2)} px`);
    expect(worstBox).toBeLessThan(1e-3);

    heads.setTraining(true);
    const byKey = trainableVariablesByKey(heads);
    const parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const l = detectorLossesOnLevels(heads, levels, samples, trainCfg, random, proposals);
      parts.loss_rpn_cls = l.lossRpnCls.dataSync()[0];
      parts.loss_rpn_bbox = l.lossRpnBbox.dataSync()[0];
      for (const [k, v] of Object.entries(l.stages ?? {})) parts[k] = v.dataSync()[0];
      return l.total;
    }, [...byKey.values(), ...levels]);
    expect(Object.keys(parts).sort()).toEqual(Object.keys(m.losses).sort());
    let worstLoss = ['', 0] as [string, number];
    for (const [key, official] of Object.entries(m.losses as Record<string, number>)) {
      const rel = Math.abs(parts[key] - official) / Math.abs(official);
      if (rel > worstLoss[1]) worstLoss = [key, rel];
      expect.soft(rel, key).toBeLessThan(LOSS_TOLERANCE);
    }

    const ours = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [key, v] of byKey) ours.set(key, { shape: v.shape, values: grads[v.name].dataSync() as Float32Array });
    for (const [i, level] of levels.entries()) {
      const nchw = await toNCHW(grads[level.name] as tf.Tensor4D);
      ours.set(`level_${i}`, { shape: [...nchw.shape], values: nchw.values as Float32Array });
    }
    const rel = namedDifferences(ours, readCheckpoint(c.bytes(m.grads.file)).stateDict);
    expect(Object.keys(rel)).toHaveLength(m.grads.tensors);
    let worstGrad = ['', 0] as [string, number];
    for (const [key, r] of Object.entries(rel)) {
      if (r > worstGrad[1]) worstGrad = [key, r];
      expect.soft(r, `grad ${key}`).toBeLessThan(TOLERANCE + 5 * m.grads.float32_noise[key]);
    }
    console.log(`[${name}] losses: worst relative error ${worstLoss[1].toExponential(2)} (${worstLoss[0]}); gradients: worst ${worstGrad[1].toExponential(2)} × std (${worstGrad[0]})`);

    heads.setTraining(false);
    tf.dispose([value, ...Object.values(grads), ...levels]);
    heads.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
