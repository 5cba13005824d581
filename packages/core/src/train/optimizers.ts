import * as tf from '@tensorflow/tfjs-core';

/** An optimizer over TF.js variables with a settable learning rate (for schedules). */
export interface Optimizer {
  learningRate: number;
  /** Applies one update from gradients keyed by variable name. */
  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void;
  dispose(): void;
}

abstract class StatefulOptimizer implements Optimizer {
  protected readonly state = new Map<string, tf.Variable[]>();
  abstract learningRate: number;

  protected slots(v: tf.Variable, count: number): tf.Variable[] {
    let slots = this.state.get(v.name);
    if (!slots) {
      slots = Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false));
      this.state.set(v.name, slots);
    }
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
  private t = 0;
  constructor(
    public learningRate = 1e-3,
    readonly options: { beta1?: number; beta2?: number; eps?: number; weightDecay?: number } = {},
  ) {
    super();
  }

  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void {
    const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.options;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
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
  private readonly started = new Set<string>();

  constructor(
    public learningRate = 0.01,
    readonly options: { momentum?: number; weightDecay?: number; nesterov?: boolean } = {},
  ) {
    super();
  }

  step(grads: Record<string, tf.Tensor>, variables: tf.Variable[]): void {
    const { momentum = 0, weightDecay = 0, nesterov = false } = this.options;
    tf.tidy(() => {
      for (const v of variables) {
        let g = grads[v.name];
        if (!g) continue;
        if (weightDecay) g = tf.add(g, tf.mul(v, weightDecay));
        if (momentum) {
          const [buf] = this.slots(v, 1);
          // PyTorch's first step initialises the buffer with the gradient itself.
          buf.assign(this.started.has(v.name) ? tf.add(tf.mul(buf, momentum), g) : g);
          this.started.add(v.name);
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
