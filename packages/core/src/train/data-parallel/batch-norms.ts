import { BatchNorm2d } from '../../nn/layers.js';
import type { Module } from '../../nn/module.js';

/** How each BatchNorm2d of a model trains: frozen statistics (normEval) and running-stat momentum. */
export interface NormSetting {
  normEval: boolean;
  momentum: number;
}

/** Every BatchNorm2d under `module`, depth first in registration order (the same in every replica). */
export function batchNorms(module: Module, out: BatchNorm2d[] = []): BatchNorm2d[] {
  if (module instanceof BatchNorm2d) out.push(module);
  for (const [, child] of module.children()) if (child) batchNorms(child, out);
  return out;
}

/** The coordinator's BN settings, so replicas train their BNs the same way (e.g. mmdet's norm_eval). */
export function normSettings(module: Module): NormSetting[] {
  return batchNorms(module).map((bn) => ({ normEval: bn.normEval, momentum: bn.momentum }));
}

export function applyNormSettings(module: Module, settings: readonly NormSetting[]): void {
  const norms = batchNorms(module);
  if (norms.length !== settings.length) throw new Error(`the replica has ${norms.length} BatchNorm2d layers, the coordinator's model ${settings.length}`);
  norms.forEach((bn, i) => {
    bn.normEval = settings[i].normEval;
    bn.momentum = settings[i].momentum;
  });
}
