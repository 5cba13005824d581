import * as tf from '@tensorflow/tfjs-core';

/** An optimizer over TF.js variables with a settable learning rate (for schedules). */
export interface Optimizer {
  learningRate: number;
  /** Applies one update from gradients keyed by variable name. */
  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void;
  dispose(): void;
}

/**
 * An optimizer's state for resumable checkpoints: the step count and every slot tensor, keyed
 * `<variable index>.<slot index>` by position in the variable list (TF.js variable names are not
 * stable across runs; the order of a model's variables is).
 */
export interface OptimizerState {
  steps: number;
  slots: Map<string, { data: Float32Array; shape: number[] }>;
}

abstract class StatefulOptimizer implements Optimizer {
  protected readonly state = new Map<string, tf.Variable[]>();
  /** Steps taken (Adam's bias correction counts them; SGD's momentum starts on the first). */
  protected steps = 0;
  abstract learningRate: number;

  /** Step count and slots of `variables` (the same list, in the same order, as `step` gets). */
  exportState(variables: readonly tf.Variable[]): OptimizerState {
    const slots: OptimizerState['slots'] = new Map();
    variables.forEach((v, i) => {
      this.state.get(v.name)?.forEach((slot, j) => slots.set(`${i}.${j}`, { data: Float32Array.from(slot.dataSync() as Float32Array), shape: [...slot.shape] }));
    });
    return { steps: this.steps, slots };
  }

  /** Restores {@link exportState}'s output onto `variables` (same model, same order); shapes are checked. */
  importState(variables: readonly tf.Variable[], saved: OptimizerState): void {
    for (const [key, value] of saved.slots) {
      const [i, j] = key.split('.').map(Number);
      const v = variables[i];
      if (!v || !Number.isInteger(j) || j < 0) throw new Error(`optimizer state has slot '${key}' but the model has ${variables.length} variables`);
      if (v.shape.join(',') !== value.shape.join(',') || value.data.length !== v.size) {
        throw new Error(`optimizer state slot '${key}' has shape [${value.shape}] but variable ${i} has shape [${v.shape}]`);
      }
      const slots = this.slots(v, j + 1);
      const restored = tf.tensor(value.data, v.shape);
      slots[j].assign(restored);
      restored.dispose();
    }
    this.steps = saved.steps;
  }

  protected slots(v: tf.Variable, count: number): tf.Variable[] {
    const slots = this.state.get(v.name) ?? [];
    while (slots.length < count) slots.push(tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.state.set(v.name, slots);
    return slots;
  }

  abstract step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void;

  dispose(): void {
    for (const slots of this.state.values()) tf.dispose(slots);
    this.state.clear();
  }
}

/** torch.optim.Adam (L2 weight decay added to the gradient, bias-corrected moments). */
export class Adam extends StatefulOptimizer {
  constructor(
    public learningRate = 1e-3,
    readonly options: { beta1?: number; beta2?: number; eps?: number; weightDecay?: number } = {},
  ) {
    super();
  }

  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void {
    const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.options;
    this.steps++;
    const c1 = 1 - beta1 ** this.steps;
    const c2 = 1 - beta2 ** this.steps;
    tf.tidy(() => {
      for (const v of variables) {
        let g = grads[v.name];
        if (!g) continue;
        if (weightDecay) g = tf.add(g, tf.mul(v, weightDecay));
        const [m, s] = this.slots(v, 2);
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        s.assign(tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(s), Math.sqrt(c2)), eps);
        v.assign(tf.sub(v, tf.mul(tf.div(m, denom), this.learningRate / c1)));
      }
    });
  }
}

/** torch.optim.SGD with momentum, dampening 0, optional Nesterov, L2 weight decay. */
export class SGD extends StatefulOptimizer {
  constructor(
    public learningRate = 0.01,
    readonly options: { momentum?: number; weightDecay?: number; nesterov?: boolean } = {},
  ) {
    super();
  }

  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void {
    const { momentum = 0, weightDecay = 0, nesterov = false } = this.options;
    const first = this.steps++ === 0;
    tf.tidy(() => {
      for (const v of variables) {
        let g = grads[v.name];
        if (!g) continue;
        if (weightDecay) g = tf.add(g, tf.mul(v, weightDecay));
        if (momentum) {
          const [buf] = this.slots(v, 1);
          // PyTorch's first step initialises the buffer with the gradient itself.
          buf.assign(first ? g : tf.add(tf.mul(buf, momentum), g));
          g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
        }
        v.assign(tf.sub(v, tf.mul(g, this.learningRate)));
      }
    });
  }
}

/** MultiStepLR: lr × factor^(number of milestones ≤ epoch) (the pose schedule: [170, 200], ×0.1). */
export function multiStepLr(baseLr: number, milestones: number[], factor: number, epoch: number): number {
  return baseLr * factor ** milestones.filter((m) => epoch >= m).length;
}

/** The seg code's poly schedule: lr × (1 − iter / maxIter)^power. */
export function polyLr(baseLr: number, iteration: number, maxIterations: number, power = 0.9): number {
  return baseLr * (1 - Math.min(iteration, maxIterations) / maxIterations) ** power;
}
