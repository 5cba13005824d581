import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, fromNCHW, loadStateDict, Module, readCheckpoint, toNCHW, trainableVariablesByKey } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { namedDifferences, trainCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { type FasterRcnnConfig, parseFasterRcnnConfig } from '../faster-rcnn-config.js';
import { StandardRoIHead } from '../roi-head.js';
import { RPNHead } from '../rpn-head.js';
import { detectorLossesOnLevels } from './detector-loss.js';
import { parseFasterRcnnTrainConfig } from './train-config.js';

// tools/oracle/cases/train_det (tools/oracle/gen_train.py): mmdet 2.x RPNHead.loss and
// StandardRoIHead.forward_train on fixed feature levels, gt and proposals, with samplers that take
// every candidate; the four losses and the gradient of their sum.
const LOSS_TOLERANCE = 1e-5; // relative
// × each tensor's std, plus 5× the official float32's own rounding (manifest float32_noise).
const TOLERANCE = 1e-4;

/** The two heads with their official state-dict prefixes (`rpn_head.*`, `roi_head.*`). */
class Heads extends Module {
  readonly rpnHead: RPNHead;
  readonly roiHead: StandardRoIHead;
  constructor(readonly detector: FasterRcnnConfig) {
    super();
    this.rpnHead = this.child('rpn_head', new RPNHead(detector.rpnHead));
    this.roiHead = this.child('roi_head', new StandardRoIHead(detector.roiExtractor, detector.bboxHead));
  }
}

describe('detectorLossesOnLevels matches mmdet 2.x Faster R-CNN training losses (wasm)', () => {
  it('RPN and RoI losses, and the gradient of every head parameter and of the feature levels', async () => {
    await useBackend('wasm');
    await enableTraining();
    const c = trainCase('train_det');
    const m = c.manifest;
    const config = JSON.parse(new TextDecoder().decode(c.bytes(m.config)));
    const before = tf.memory().numTensors;
    const heads = new Heads(parseFasterRcnnConfig(config));
    loadStateDict(heads, readCheckpoint(c.bytes(m.heads)).stateDict);
    const trainCfg = parseFasterRcnnTrainConfig(config.train_cfg);
    const levels = await Promise.all(
      m.levels.map(async (l: { file: string }) => {
        const t = fromNCHW(await readNpyFile(c.path(l.file)));
        const v = tf.variable(t);
        t.dispose();
        return v;
      }),
    );
    const [h, w] = m.img_shape as [number, number];
    const samples = (m.gt_bboxes as number[][][]).map((boxes, b) => ({
      meta: { imgShape: [h, w] as [number, number], padShape: [h, w] as [number, number] },
      gtBboxes: Float32Array.from(boxes.flat()),
      gtLabels: Int32Array.from(m.gt_labels[b]),
    }));
    const proposals = (m.proposals as number[][][]).map((p) => Float32Array.from(p.flat()));
    // Every candidate is sampled, so the sampler's random numbers must not matter.
    const random = () => {
      throw new Error('the sampler drew a random number although every candidate fits');
    };

    heads.setTraining(true);
    const byKey = trainableVariablesByKey(heads);
    const parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const l = detectorLossesOnLevels(heads, levels as tf.Tensor4D[], samples, trainCfg, random, proposals);
      parts.loss_rpn_cls = l.lossRpnCls.dataSync()[0];
      parts.loss_rpn_bbox = l.lossRpnBbox.dataSync()[0];
      parts.loss_cls = l.lossCls.dataSync()[0];
      parts.loss_bbox = l.lossBbox.dataSync()[0];
      return l.total;
    }, [...byKey.values(), ...levels]);
    for (const [name, official] of Object.entries(m.losses as Record<string, number>)) {
      expect(Math.abs(parts[name] - official) / official, name).toBeLessThan(LOSS_TOLERANCE);
    }

    const ours = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [key, v] of byKey) ours.set(key, { shape: v.shape, values: grads[v.name].dataSync() as Float32Array });
    for (const [i, level] of levels.entries()) {
      const nchw = await toNCHW(grads[level.name] as tf.Tensor4D);
      ours.set(`level_${i}`, { shape: [...nchw.shape], values: nchw.values as Float32Array });
    }
    const rel = namedDifferences(ours, readCheckpoint(c.bytes(m.grads.file)).stateDict);
    expect(Object.keys(rel)).toHaveLength(m.grads.tensors);
    for (const [key, r] of Object.entries(rel)) expect.soft(r, `grad ${key}`).toBeLessThan(TOLERANCE + 5 * m.grads.float32_noise[key]);

    heads.setTraining(false);
    tf.dispose([value, ...Object.values(grads), ...levels]);
    heads.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
