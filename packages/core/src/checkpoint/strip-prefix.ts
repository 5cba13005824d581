/** Result of {@link planPrefixStrip}. */
export interface PrefixPlan {
  /** What is removed from every kept key (`'module.'`, `'model.'`, `'module.model.'`), or null. */
  prefix: string | null;
  /** Original names of keys dropped as known training-only extras. */
  ignored: string[];
}

/**
 * Decides which wrapper prefixes to strip from state-dict keys:
 * - `module.` when every key has it (saved from DataParallel / DistributedDataParallel);
 * - then `model.` when every key has it except `loss.*` ones: HRNet segmentation saves its
 *   FullModel, whose `loss.criterion.weight` (class weights) is not part of the network.
 * `backbone.` and other prefixes are real module names and are kept.
 */
export function planPrefixStrip(keys: readonly string[]): PrefixPlan {
  let prefix = '';
  let rest = keys;
  if (keys.length > 0 && keys.every((k) => k.startsWith('module.'))) {
    prefix = 'module.';
    rest = keys.map((k) => k.slice(prefix.length));
  }
  const ignored: string[] = [];
  const isModel = (k: string) => k.startsWith('model.');
  if (rest.some(isModel) && rest.every((k) => isModel(k) || k.startsWith('loss.'))) {
    rest.forEach((k, i) => {
      if (!isModel(k)) ignored.push(keys[i]);
    });
    prefix += 'model.';
  }
  return { prefix: prefix === '' ? null : prefix, ignored };
}
