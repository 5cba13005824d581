import type { StateDict } from '../tensor/tensor-data.js';
import { detectFormat } from './detect-format.js';
import { materializeTensor } from './materialize-tensor.js';
import type { CheckpointFormat, ParsedCheckpoint } from './parsed-checkpoint.js';
import { readSafetensors } from './safetensors.js';
import { planPrefixStrip } from './strip-prefix.js';
import { summarizeExtras } from './summarize-extras.js';
import { readTorchLegacy } from './torch-legacy.js';
import { readTorchZip } from './torch-zip.js';
import { unwrapStateDict } from './unwrap-state-dict.js';

/** Options of {@link readCheckpoint}. */
export interface ReadCheckpointOptions {
  /**
   * Strip a `module.` prefix shared by all keys and a FullModel `model.` prefix (dropping
   * `loss.*` keys into `ignored`). Default true.
   */
  stripPrefix?: boolean;
}

/** A checkpoint reduced to its weights plus a JSON-safe summary of everything else. */
export interface Checkpoint {
  format: CheckpointFormat;
  /** Where the weights were: `'none'`, `'state_dict'`, `'model'`, `'meta+state_dict'`, … */
  wrapper: string;
  /** Prefix removed from every key (`'module.'`, `'model.'`, `'module.model.'`), or null. */
  prefix: string | null;
  /** Dense row-major tensors in file order, under their stripped names. */
  stateDict: StateDict;
  /** Original names of keys dropped as known training-only extras (`loss.criterion.weight`). */
  ignored: string[];
  /** Non-tensor top-level entries (epoch, meta, optimizer…), see `summarizeExtras`. */
  extras: Record<string, unknown>;
}

function parse(bytes: Uint8Array): ParsedCheckpoint {
  switch (detectFormat(bytes)) {
    case 'safetensors':
      return readSafetensors(bytes);
    case 'torch-zip':
      return readTorchZip(bytes);
    case 'torch-legacy':
      return readTorchLegacy(bytes);
  }
}

/**
 * Reads a PyTorch checkpoint (torch.save zip or legacy format) or a safetensors file without
 * executing anything: pickles go through an allow-list (see pickle-globals.ts), every size is
 * checked against the file before allocating, and all failures are `CheckpointError`s.
 *
 * @example
 * const ckpt = readCheckpoint(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * ckpt.stateDict.get('final_layer.weight'); // { dtype: 'float32', shape: [17, 32, 1, 1], values }
 */
export function readCheckpoint(bytes: Uint8Array, options: ReadCheckpointOptions = {}): Checkpoint {
  // A Node Buffer's slice() is a view, not a copy; work on a plain Uint8Array over the same memory.
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parsed = parse(plain);
  const { wrapper, entries, extras } = unwrapStateDict(parsed.root);
  if (parsed.metadata !== undefined) extras.push(['__metadata__', parsed.metadata]);
  const names = entries.map(([name]) => name);
  const plan = options.stripPrefix === false ? { prefix: null, ignored: [] } : planPrefixStrip(names);
  const ignored = new Set(plan.ignored);
  const cut = plan.prefix?.length ?? 0;
  const stateDict: StateDict = new Map();
  for (const [name, ref] of entries) {
    if (!ignored.has(name)) stateDict.set(name.slice(cut), materializeTensor(ref, name));
  }
  return { format: parsed.format, wrapper, prefix: plan.prefix, stateDict, ignored: plan.ignored, extras: summarizeExtras(extras) };
}
