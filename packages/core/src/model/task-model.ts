import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../config/types.js';
import { Module } from '../nn/module.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { type LoadOptions, loadStateDict } from './load-state-dict.js';
import type { LoadReport } from './state-dict-error.js';

/** Options of {@link TaskModel.forwardNamed}. */
export interface ForwardOptions {
  /** Also return `stem`, `layer1` and every `stage{s}_out_{b}` (batch-major NHWC). */
  intermediates?: boolean;
}

/**
 * A loadable network (backbone + task head) built from a {@link ModelConfig}: its state-dict keys
 * equal the official checkpoint's, it loads strictly by default, and it runs NHWC float32 input.
 */
export abstract class TaskModel extends Module {
  constructor(readonly config: ModelConfig) {
    super();
  }

  /** Loads official (or our own) weights; see {@link loadStateDict}. */
  load(stateDict: StateDict, options: Omit<LoadOptions, 'modelName'> = {}): LoadReport {
    return loadStateDict(this, stateDict, { ...options, modelName: this.config.name });
  }

  /**
   * Every named output of one forward pass (fixture names: `heatmaps`, `logits`,
   * `backbone_out_{b}`, … plus intermediates on request). The caller owns the returned tensors.
   */
  forwardNamed(x: tf.Tensor4D, options: ForwardOptions = {}): Record<string, tf.Tensor> {
    return tf.tidy(() => this.computeOutputs(x, options.intermediates ?? false));
  }

  /** Builds the named outputs; runs inside `tf.tidy`. */
  protected abstract computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor>;
}
