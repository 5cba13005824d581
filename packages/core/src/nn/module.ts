import * as tf from '@tensorflow/tfjs-core';
import type { TensorData } from '../tensor/tensor-data.js';

/**
 * What a state-dict entry is: a trainable parameter, a buffer (BN running stats) or a counter
 * (`num_batches_tracked`, int64, optional on load because older PyTorch / InPlaceABN never saved it).
 */
export type EntryKind = 'parameter' | 'buffer' | 'counter';

/** One state-dict entry of a model, in PyTorch order. */
export interface StateDictEntry {
  key: string;
  shape: number[];
  kind: EntryKind;
}

interface OwnEntry {
  name: string;
  shape: number[];
  kind: EntryKind;
}

/** Resolved location of an entry: the module that owns it and its local name. */
export interface BoundEntry extends StateDictEntry {
  owner: Module;
  name: string;
}

/**
 * A node of the model tree, named exactly like the PyTorch module it mirrors, so that its
 * state-dict keys (`stage2.0.fuse_layers.1.0.0.weight`) equal the official checkpoint's.
 * Own entries come before children, as in `torch.nn.Module.state_dict()`.
 */
export abstract class Module {
  private readonly ownEntries: OwnEntry[] = [];
  private readonly childEntries: Array<[string, Module | null]> = [];
  private readonly loaded = new Map<string, Float32Array>();
  private readonly variables = new Map<string, tf.Variable>();
  private trainingMode = false;

  /** Declares a tensor this module owns (weight, bias, running_mean …). */
  protected declare(name: string, shape: number[], kind: EntryKind = 'parameter'): void {
    this.ownEntries.push({ name, shape, kind });
  }

  /**
   * Registers a child under `name`. `null` keeps an index with no module (PyTorch's `None` in a
   * ModuleList) so later indices keep their official numbers. An empty name mounts the child's
   * entries at this level (a task model that is "backbone + head" with un-prefixed keys).
   */
  protected child<M extends Module | null>(name: string, module: M): M {
    this.childEntries.push([name, module]);
    return module;
  }

  /** Children in registration order (nulls included). */
  children(): ReadonlyArray<readonly [string, Module | null]> {
    return this.childEntries;
  }

  /** Every entry of this subtree with its full key, in PyTorch state-dict order. */
  *boundEntries(prefix = ''): Generator<BoundEntry> {
    for (const e of this.ownEntries) {
      yield { key: prefix + e.name, shape: e.shape, kind: e.kind, owner: this, name: e.name };
    }
    for (const [name, module] of this.childEntries) {
      if (module) yield* module.boundEntries(name === '' ? prefix : `${prefix}${name}.`);
    }
  }

  /** `[key, shape, kind]` of every state-dict entry, in PyTorch order. */
  stateDictSpec(): StateDictEntry[] {
    return [...this.boundEntries()].map(({ key, shape, kind }) => ({ key, shape, kind }));
  }

  /** Stores loaded values for an own entry (called by `loadStateDict`). */
  setValue(name: string, values: Float32Array): void {
    this.loaded.set(name, values);
    this.invalidate();
  }

  /** True when `name` was loaded from a checkpoint (else `value` gives its initial value). */
  hasValue(name: string): boolean {
    return this.loaded.has(name);
  }

  /** Values of an own entry: loaded ones, else the PyTorch-style initial values. */
  value(name: string): Float32Array {
    const v = this.loaded.get(name);
    if (v) return v;
    const entry = this.ownEntries.find((e) => e.name === name);
    if (!entry) throw new Error(`${this.constructor.name} has no entry '${name}'`);
    const init = this.initialValue(entry.name, entry.shape);
    this.loaded.set(name, init);
    return init;
  }

  /** Initial value of an entry that no checkpoint provided. */
  protected initialValue(name: string, shape: number[]): Float32Array {
    void name;
    return new Float32Array(shape.reduce((a, b) => a * b, 1));
  }

  /** Drops compiled (inference) tensors of this module; called when weights change. */
  protected invalidate(): void {}

  /** True while this module runs in training mode (see {@link setTraining}). */
  get isTraining(): boolean {
    return this.trainingMode;
  }

  /**
   * Training mode (PyTorch's `model.train()`): forward passes use TF.js variables for the weights
   * and batch statistics in BatchNorm (updating the running stats). Leaving it writes the trained
   * values back, so inference (folded BN) and `stateDict()` see them.
   */
  setTraining(on: boolean): void {
    for (const [, m] of this.childEntries) m?.setTraining(on);
    if (on === this.trainingMode) return;
    this.trainingMode = on;
    this.invalidate();
    if (!on) {
      this.commitVariables();
      return;
    }
    // Create every variable now, so an optimizer sees the complete list before the first step.
    for (const e of this.ownEntries) if (e.kind !== 'counter') this.variable(e.name);
  }

  /** Current values of an own entry: the live variable while training, else the stored values. */
  currentValue(name: string): Float32Array {
    const v = this.variables.get(name);
    return v ? Float32Array.from(v.dataSync() as Float32Array) : this.value(name);
  }

  /**
   * The variable holding an own entry while training, created from its current value. Parameters
   * are trainable; buffers (running stats) are not.
   */
  protected variable(name: string): tf.Variable {
    let v = this.variables.get(name);
    if (!v) {
      const entry = this.ownEntries.find((e) => e.name === name);
      if (!entry) throw new Error(`${this.constructor.name} has no entry '${name}'`);
      const initial = tf.tensor(this.value(name), entry.shape);
      v = tf.variable(initial, entry.kind === 'parameter');
      initial.dispose(); // the variable holds its own reference to the data
      this.variables.set(name, v);
    }
    return v;
  }

  /** Trainable variables of this subtree (those a training forward has used so far). */
  trainableVariables(): tf.Variable[] {
    const own = [...this.variables.values()].filter((v) => v.trainable);
    return own.concat(...this.childEntries.map(([, m]) => m?.trainableVariables() ?? []));
  }

  /** Non-trainable variables (BN running stats) of this subtree, in the order of {@link trainableVariables}. */
  bufferVariables(): tf.Variable[] {
    const own = [...this.variables.values()].filter((v) => !v.trainable);
    return own.concat(...this.childEntries.map(([, m]) => m?.bufferVariables() ?? []));
  }

  /** Copies variable values back into the entries and frees the variables. */
  private commitVariables(): void {
    for (const [name, v] of this.variables) {
      this.loaded.set(name, Float32Array.from(v.dataSync() as Float32Array));
      v.dispose();
    }
    this.variables.clear();
  }

  /** Frees every TF.js tensor this subtree holds (trained values are kept). */
  dispose(): void {
    this.commitVariables();
    this.invalidate();
    for (const [, m] of this.childEntries) m?.dispose();
  }
}

/** Converts checkpoint values to float32 (weights may be stored as float16 / bfloat16 / float64). */
export function toFloat32(t: TensorData): Float32Array {
  if (t.values instanceof Float32Array) return t.values;
  const out = new Float32Array(t.values.length);
  if (t.values instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(t.values[i]);
  } else {
    out.set(t.values as ArrayLike<number>);
  }
  return out;
}
