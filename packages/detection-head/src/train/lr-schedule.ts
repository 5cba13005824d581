/** mmcv `lr_config = dict(policy='step', warmup='linear', …)` of mmdet's schedule_1x. */
export interface StepLrWithWarmup {
  baseLr: number;
  /** Iterations of linear warmup (0: none). */
  warmupIters: number;
  /** Learning rate at iteration 0 as a fraction of the regular one (0.001 in schedule_1x). */
  warmupRatio: number;
  /** Epochs (0-based) from which the lr is multiplied by another `gamma` ([8, 11] in 1x). */
  steps: number[];
  gamma: number;
}

/**
 * mmcv `StepLrUpdaterHook` (by epoch) with linear warmup by iteration: regular = base · gamma^k
 * (k = steps ≤ epoch); during the first warmupIters iterations regular · (1 − (1 − i/warmupIters) ·
 * (1 − warmupRatio)). `iteration` counts from 0 over the whole run.
 */
export function stepLrWithWarmup(schedule: StepLrWithWarmup, epoch: number, iteration: number): number {
  const regular = schedule.baseLr * schedule.gamma ** schedule.steps.filter((s) => epoch >= s).length;
  if (schedule.warmupIters <= 0 || iteration >= schedule.warmupIters) return regular;
  const k = (1 - iteration / schedule.warmupIters) * (1 - schedule.warmupRatio);
  return regular * (1 - k);
}
