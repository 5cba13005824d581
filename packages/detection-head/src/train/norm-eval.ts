import type { Module } from '@hrnetjs/core';
import { BatchNorm2d } from '@hrnetjs/core/ops';

/**
 * mmdet's `norm_eval=True` (the HRNet backbone's default): while training, every BatchNorm2d under
 * `module` normalises with its running statistics (not the batch's) and leaves them unchanged;
 * γ and β still train (BatchNorm2d.normEval). Returns a function that restores batch-statistics training.
 */
export function freezeBatchNormStats(module: Module): () => void {
  const frozen: BatchNorm2d[] = [];
  const visit = (m: Module) => {
    if (m instanceof BatchNorm2d && !m.normEval) {
      m.normEval = true;
      frozen.push(m);
    }
    for (const [, child] of m.children()) if (child) visit(child);
  };
  visit(module);
  return () => {
    for (const bn of frozen) bn.normEval = false;
  };
}
