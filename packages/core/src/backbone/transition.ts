import type * as tf from '@tensorflow/tfjs-core';
import type { BackboneConfig } from '../config/types.js';
import { ConvBn } from '../nn/conv-bn.js';
import { Sequential } from '../nn/layers.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';

/** A new, lower-resolution branch: `Sequential(Sequential(conv3x3 s2, BN, ReLU), …)` → keys `.{i}.0.0.weight`. */
export class NewBranch extends Sequential<ConvBn> {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.items.reduce((y, step) => step.forward(y), x);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.items.reduce((y, step) => step.emitOnnx(g, y), x);
  }
}

/** One branch of a transition: a width-changing conv, a new-branch chain, or `null` (pass-through). */
export type TransitionPath = ConvBn | NewBranch | null;

/**
 * `transition{t}` between stages (official `_make_transition_layer`): existing branches pass
 * through (`None`) or get a 3×3 conv when their width changes; each new branch is a chain of
 * stride-2 convs fed by the previous stage's lowest-resolution output.
 */
export class Transition extends Sequential<TransitionPath> {
  constructor(pre: number[], cur: number[], bn: BackboneConfig['batchNorm']) {
    const paths: TransitionPath[] = cur.map((c, i) => {
      if (i < pre.length) {
        return c !== pre[i] ? new ConvBn(pre[i], c, { kernelSize: 3, relu: true, batchNorm: bn }) : null;
      }
      const steps: ConvBn[] = [];
      const count = i + 1 - pre.length;
      for (let k = 0; k < count; k++) {
        const inC = pre[pre.length - 1];
        steps.push(new ConvBn(inC, k === count - 1 ? c : inC, { kernelSize: 3, stride: 2, relu: true, batchNorm: bn }));
      }
      return new NewBranch(steps);
    });
    super(paths);
  }

  /**
   * Existing branch i takes y[i]; new branches take the last (lowest-resolution) output. (The pose
   * and cls code feed y[-1] to existing-branch convs too, which only runs when the widths happen to
   * match; seg master fixed it to y[i]. Published configs never have such a conv.)
   */
  forward(y: tf.Tensor4D[]): tf.Tensor4D[] {
    return this.items.map((path, i) => {
      if (i < y.length && !(path instanceof NewBranch)) return path ? path.forward(y[i]) : y[i];
      return (path as NewBranch).forward(y[y.length - 1]);
    });
  }

  /** ONNX twin of {@link forward} (NCHW value names). */
  emitOnnx(g: OnnxGraph, y: string[]): string[] {
    return this.items.map((path, i) => {
      if (i < y.length && !(path instanceof NewBranch)) return path ? path.emitOnnx(g, y[i]) : y[i];
      return (path as NewBranch).emitOnnx(g, y[y.length - 1]);
    });
  }
}
