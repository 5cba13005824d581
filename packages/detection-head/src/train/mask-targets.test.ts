import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { enableTraining, parseModelConfig, readCheckpoint } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, oracleCase, repoRoot, unpackMasks } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { MaskRCNN } from '../mask-rcnn.js';
import { maskLoss, maskTargets } from './mask-targets.js';

// tools/oracle/cases/mmdet_mask_train (README there): mmdet's mask_target + FCNMaskHead.loss + backward.
const dir = join(repoRoot(), 'tools/oracle/cases/mmdet_mask_train');
const npy = async (name: string) => readNpyFile(join(dir, `${name}.npy`));

describe('mask head training pieces = mmdet 2.x (wasm)', () => {
  it('mask targets, loss_mask and the gradients of every mask-head parameter', async () => {
    await useBackend('wasm');
    await enableTraining();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const [g, h, w] = manifest.gt_masks_shape;
    const gt = { height: h, width: w, masks: unpackMasks((await npy('gt_masks_packed')).values as Uint8Array, g, h, w) };
    const proposals = (await npy('proposals')).values as Float32Array;
    const inds = (await npy('assigned_gt_inds')).values as Int32Array;
    const labels = (await npy('labels')).values as Int32Array;
    const [n, M] = manifest.mask_targets_shape;
    const ref = unpackMasks((await npy('mask_targets_packed')).values as Uint8Array, n, M, M);
    const targets = maskTargets(proposals, inds, gt, M);
    let same = 0;
    ref.forEach((r, i) => r.forEach((v, p) => (same += v === targets[i * M * M + p] ? 1 : 0)));
    expect(same / (n * M * M)).toBeGreaterThanOrEqual(0.999);
    console.log(`[mask targets] ${same}/${n * M * M} pixels equal`);

    const c = oracleCase('mmdet_mask_rcnn');
    const model = new MaskRCNN(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const head = model.roiHead.maskHead;
    head.setTraining(true);
    const feats = await npy('mask_feats');
    const x = tf.transpose(tf.tensor4d(feats.values as Float32Array, feats.shape as [number, number, number, number]), [0, 2, 3, 1]) as tf.Tensor4D;
    const official = Float32Array.from(ref.flatMap((r) => Array.from(r)));
    const vars = head.trainableVariables();
    const { value, grads } = tf.variableGrads(() => maskLoss(head.forward(x), official, labels), vars);
    const loss = (await value.data())[0];
    expect(Math.abs(loss - manifest.loss_mask) / manifest.loss_mask).toBeLessThan(1e-5);
    // trainableVariables() lists every parameter in state-dict order (each module's own entries,
    // then its children), so the parameter keys name them.
    const keys = head.stateDictSpec().filter((e) => e.kind === 'parameter').map((e) => e.key);
    expect(keys.slice().sort()).toEqual([...manifest.grads].sort());
    expect(vars).toHaveLength(keys.length);
    const byKey = new Map(keys.map((k, i) => [k, grads[vars[i].name]] as const));
    for (const [key, grad] of byKey) {
      const expected = await npy(`grad_${key}`);
      expect(grad.shape).toEqual(expected.shape); // variables keep PyTorch's layout
      const got = (await grad.data()) as Float32Array;
      const d = difference(got, expected.values as Float32Array).relToStd;
      console.log(`[mask grad] ${key} relToStd ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-4);
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    head.setTraining(false);
    model.dispose();
  });

  it('an RoI assigned to a missing gt mask fails clearly; no RoI gives a zero loss', () => {
    expect(() => maskTargets(Float32Array.from([0, 0, 4, 4]), [2], { height: 4, width: 4, masks: [new Uint8Array(16)] }, 28)).toThrow(/assigned gt 2 but there are 1 gt masks/);
    const empty = tf.zeros([0, 28, 28, 7]) as tf.Tensor4D;
    const l = maskLoss(empty, new Float32Array(0), []);
    expect(l.dataSync()[0]).toBe(0);
    tf.dispose([empty, l]);
  });
});
