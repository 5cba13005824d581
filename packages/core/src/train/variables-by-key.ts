import type * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d } from '../nn/layers.js';
import type { Module } from '../nn/module.js';

/**
 * The trainable variables of a model in training mode, keyed by their official state-dict names
 * (`stage2.0.branches.0.0.conv1.weight`), e.g. to compare gradients with PyTorch's `p.grad`.
 * Parameters and variables are both listed own-entries-first, children in order, so they pair up.
 */
export function trainableVariablesByKey(model: Module): Map<string, tf.Variable> {
  if (!model.isTraining) throw new Error('trainableVariablesByKey: call model.setTraining(true) first');
  const params = [...model.boundEntries()].filter((e) => e.kind === 'parameter');
  const variables = model.trainableVariables();
  if (params.length !== variables.length) throw new Error(`${params.length} parameters but ${variables.length} trainable variables`);
  const out = new Map<string, tf.Variable>();
  params.forEach((p, i) => {
    if (p.shape.join(',') !== variables[i].shape.join(',')) throw new Error(`${p.key}: shape [${p.shape}] but its variable has [${variables[i].shape}]`);
    out.set(p.key, variables[i]);
  });
  return out;
}

/**
 * Sets the running-stat momentum of every BatchNorm2d in `model` (PyTorch's BN `momentum`):
 * 0.1 in pose_hrnet.py, mmdet and the HRNet-OCR line; 0.01 (BN_MOMENTUM) in the seg code's
 * master and pytorch-v1.1 lines.
 */
export function setBatchNormMomentum(model: Module, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNorm momentum must be in [0, 1], got ${momentum}`);
  const visit = (m: Module) => {
    if (m instanceof BatchNorm2d) m.momentum = momentum;
    for (const [, child] of m.children()) if (child) visit(child);
  };
  visit(model);
}
