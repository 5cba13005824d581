import type { StateDict } from '../tensor/tensor-data.js';
import { numel } from '../tensor/tensor-data.js';
import { type Module, toFloat32 } from '../nn/module.js';
import { type LoadReport, StateDictError } from './state-dict-error.js';

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
 * Loads a state dict into a model tree, checking every key and shape like PyTorch's
 * `load_state_dict(strict=True)`. Values are converted to float32.
 */
export function loadStateDict(model: Module, stateDict: StateDict, options: LoadOptions = {}): LoadReport {
  const strict = options.strict ?? true;
  const entries = [...model.boundEntries()];
  const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
  const known = new Set<string>();
  const toLoad: Array<() => void> = [];
  for (const entry of entries) {
    known.add(entry.key);
    const tensor = stateDict.get(entry.key);
    if (!tensor) {
      if (entry.kind !== 'counter') report.missing.push(entry.key);
      continue;
    }
    if (!sameShape(tensor.shape, entry.shape) || tensor.values.length !== numel(entry.shape)) {
      report.mismatched.push({ key: entry.key, checkpoint: [...tensor.shape], model: entry.shape });
      continue;
    }
    report.loaded.push(entry.key);
    if (entry.kind !== 'counter') toLoad.push(() => entry.owner.setValue(entry.name, toFloat32(tensor)));
  }
  for (const key of stateDict.keys()) if (!known.has(key)) report.unexpected.push(key);

  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (strict && problems > 0) {
    throw new StateDictError(options.modelName ?? model.constructor.name, report, prefixHint(report, [...known]));
  }
  // Compiled (folded) tensors are stale once any weight changes.
  model.dispose();
  for (const load of toLoad) load();
  return report;
}
