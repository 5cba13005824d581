import type { StateDict } from '../tensor/tensor-data.js';
import { numel } from '../tensor/tensor-data.js';
import { type Module, toFloat32 } from '../nn/module.js';
import { type LoadReport, StateDictError } from './state-dict-error.js';

/** Options of {@link loadStateDict}. */
export interface LoadOptions {
  /**
   * true (default): any missing, unexpected or mis-shaped key throws a {@link StateDictError}
   * and nothing is loaded. false: load what fits and report the rest (e.g. seed a pose backbone
   * from an ImageNet checkpoint).
   */
  strict?: boolean;
  /** Name used in messages (preset id / config name). */
  modelName?: string;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Suggests the usual cause when most keys are off by a prefix. */
function prefixHint(report: LoadReport, modelKeys: string[]): string | undefined {
  if (report.loaded.length > 0 || report.unexpected.length === 0) return undefined;
  const sample = report.unexpected[0];
  for (const key of modelKeys.slice(0, 5)) {
    if (sample.endsWith(key) && sample !== key) {
      return `checkpoint keys look like '${sample}' and the model's like '${key}': is this a checkpoint of another family (try --family) or with an extra prefix?`;
    }
    if (key.endsWith(sample)) return `model keys carry the prefix '${key.slice(0, key.length - sample.length)}' that the checkpoint lacks: is this checkpoint for another family?`;
  }
  return 'no checkpoint key matches the model: is this a checkpoint of another family or variant?';
}

/**
 * Compares a state dict with a model's entries without loading anything: what `load` would
 * report. `num_batches_tracked` counters may be absent.
 */
export function compareStateDict(model: Module, stateDict: StateDict): LoadReport {
  const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
  const known = new Set<string>();
  for (const entry of model.boundEntries()) {
    known.add(entry.key);
    const tensor = stateDict.get(entry.key);
    if (!tensor) {
      if (entry.kind !== 'counter') report.missing.push(entry.key);
    } else if (!sameShape(tensor.shape, entry.shape) || tensor.values.length !== numel(entry.shape)) {
      report.mismatched.push({ key: entry.key, checkpoint: [...tensor.shape], model: entry.shape });
    } else {
      report.loaded.push(entry.key);
    }
  }
  for (const key of stateDict.keys()) if (!known.has(key)) report.unexpected.push(key);
  return report;
}

/** Number of problems (missing + unexpected + mis-shaped keys) in a report. */
export function countProblems(report: LoadReport): number {
  return report.missing.length + report.unexpected.length + report.mismatched.length;
}

/**
 * Loads a state dict into a model tree, checking every key and shape like PyTorch's
 * `load_state_dict(strict=True)`. Values are converted to float32.
 */
export function loadStateDict(model: Module, stateDict: StateDict, options: LoadOptions = {}): LoadReport {
  const strict = options.strict ?? true;
  const report = compareStateDict(model, stateDict);
  if (strict && countProblems(report) > 0) {
    const modelKeys = [...model.boundEntries()].map((e) => e.key);
    throw new StateDictError(options.modelName ?? model.constructor.name, report, prefixHint(report, modelKeys));
  }
  // Compiled (folded) tensors are stale once any weight changes.
  model.dispose();
  const loaded = new Set(report.loaded);
  for (const entry of model.boundEntries()) {
    const tensor = stateDict.get(entry.key);
    if (tensor && entry.kind !== 'counter' && loaded.has(entry.key)) entry.owner.setValue(entry.name, toFloat32(tensor));
  }
  return report;
}
