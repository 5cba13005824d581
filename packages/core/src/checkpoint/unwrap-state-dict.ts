import { CheckpointError } from './errors.js';
import { describeValue, TensorRef } from './pickle-values.js';

/** Keys under which training scripts nest the weights, in the order they are preferred. */
const WRAPPER_KEYS = ['state_dict', 'model', 'state_dict_ema'] as const;

/** The weights found in a checkpoint's top-level object, still as lazy tensor references. */
export interface UnwrappedStateDict {
  /** `'none'`, the wrapper key (`'state_dict'`, `'model'`, …), or `'meta+state_dict'` (mmcv). */
  wrapper: string;
  /** Tensors in file order, under their original names. */
  entries: [string, TensorRef][];
  /** Every other top-level entry (epoch, meta, optimizer…), raw. */
  extras: [string, unknown][];
}

/** Why `value` is not a dict of tensors, or null if it is one. */
function tensorDictProblem(value: unknown): string | null {
  if (!(value instanceof Map)) return `(${describeValue(value)}) is not a dict`;
  for (const [k, v] of value) {
    if (typeof k !== 'string') return `has a key of type ${describeValue(k)}, not str`;
    if (!(v instanceof TensorRef)) return `entry '${k}' (${describeValue(v)}) is not a tensor`;
  }
  return null;
}

/**
 * Finds the state dict in what `torch.save` stored: the object itself when it is a dict of
 * tensors, else the dict under `state_dict` / `model` / `state_dict_ema` (official HRNet
 * training checkpoints, mmcv `{meta, state_dict, optimizer}`); everything else becomes extras.
 * Throws NOT_STATE_DICT with the reason when there is no such dict.
 */
export function unwrapStateDict(root: unknown): UnwrappedStateDict {
  if (!(root instanceof Map)) {
    throw new CheckpointError('NOT_STATE_DICT', `top-level object (${describeValue(root)}) is not a dict of tensors (a state_dict)`);
  }
  const rootProblem = tensorDictProblem(root);
  if (rootProblem === null) return { wrapper: 'none', entries: [...root] as [string, TensorRef][], extras: [] };
  for (const key of WRAPPER_KEYS) {
    const inner = root.get(key);
    if (inner === undefined || tensorDictProblem(inner) !== null) continue;
    const extras: [string, unknown][] = [];
    for (const [k, v] of root) if (k !== key) extras.push([String(k), v]);
    return {
      wrapper: root.has('meta') ? `meta+${key}` : key,
      entries: [...(inner as Map<string, TensorRef>)],
      extras,
    };
  }
  const nested = WRAPPER_KEYS.find((k) => root.has(k));
  const reason = nested === undefined ? `the top-level dict ${rootProblem}` : `'${nested}' ${tensorDictProblem(root.get(nested))}`;
  throw new CheckpointError(
    'NOT_STATE_DICT',
    `no state_dict found: ${reason}; expected a dict of tensors, optionally under ${WRAPPER_KEYS.map((k) => `'${k}'`).join(' / ')}`,
  );
}
