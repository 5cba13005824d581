import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../config/types.js';
import { Module } from '../nn/module.js';
import { OnnxGraph, type OnnxWeightDtype } from '../onnx/onnx-graph.js';
import type { StateDict } from '../tensor/tensor-data.js';
import { type LoadOptions, loadStateDict } from './load-state-dict.js';
import type { LoadReport } from './state-dict-error.js';

/** Options of {@link TaskModel.forwardNamed}. */
export interface ForwardOptions {
  /** Also return `stem`, `layer1` and every `stage{s}_out_{b}` (batch-major NHWC). */
  intermediates?: boolean;
}

/** A named output of an ONNX export: an NCHW feature map (exported NHWC) or [N, C] rows. */
export interface OnnxOutput {
  value: string;
  layout: 'nchw' | 'nc';
}

/** Wraps NCHW value names as {@link OnnxOutput}s. */
export function featureOutputs(values: Record<string, string>): Record<string, OnnxOutput> {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, layout: 'nchw' as const }]));
}

/** Options of {@link TaskModel.toOnnx}. */
export interface OnnxExportOptions {
  /** Storage type of the weights (default float32; float16 halves the file, compute stays float32). */
  weights?: OnnxWeightDtype;
  /** Also output `stem`, `layer1` and every `stage{s}_out_{b}`, as {@link ForwardOptions}. */
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

  /**
   * The network as an ONNX model (opset 17): input `input` NHWC float32 [batch, H, W, 3] like
   * {@link forwardNamed}, transposed once to NCHW; BatchNorm folded into the convs; the same named
   * outputs as `forwardNamed` (feature maps NHWC, transposed back). Batch and H/W are dynamic.
   */
  toOnnx(options: OnnxExportOptions = {}): Uint8Array {
    const g = new OnnxGraph();
    const input = g.input('input', ['batch', 'height', 'width', 3]);
    const x = g.node('Transpose', [input], { perm: [0, 3, 1, 2] }, 'input_nchw');
    const outputs = this.emitOnnxOutputs(g, x, options.intermediates ?? false);
    for (const [name, out] of Object.entries(outputs)) {
      if (out.layout === 'nchw') {
        const nhwc = g.node('Transpose', [out.value], { perm: [0, 2, 3, 1] }, name);
        g.output(nhwc, name, ['batch', `${name}_height`, `${name}_width`, `${name}_channels`]);
      } else {
        g.output(out.value, name, ['batch', `${name}_features`]);
      }
    }
    return g.encode({ weights: options.weights, docString: `HRNet.js export of ${this.config.name}` });
  }

  /** Adds the network's nodes for NCHW `x` and names its outputs (the ONNX twin of computeOutputs). */
  protected emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    void g;
    void x;
    void intermediates;
    throw new Error(`${this.constructor.name} (${this.config.name}) has no ONNX export yet`);
  }

  /** Builds the named outputs; runs inside `tf.tidy`. */
  protected abstract computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor>;
}
