/** What {@link RecordingOptimizer} needs of an optimizer (core's Optimizer, kept structural). */
interface StepOptimizer<G, V> {
  learningRate: number;
  step(grads: Record<string, G>, variables: V[]): void;
  dispose(): void;
}

/**
 * Passes every step on to `inner`, keeping a copy of the gradients of the FIRST step (keyed by
 * variable name), so a training step can be compared with an official one.
 */
export class RecordingOptimizer<G extends { dataSync(): ArrayLike<number> }, V> implements StepOptimizer<G, V> {
  grads: Map<string, Float32Array> | null = null;
  constructor(readonly inner: StepOptimizer<G, V>) {}
  get learningRate(): number {
    return this.inner.learningRate;
  }
  set learningRate(lr: number) {
    this.inner.learningRate = lr;
  }
  step(grads: Record<string, G>, variables: V[]): void {
    this.grads ??= new Map(Object.entries(grads).map(([name, g]) => [name, Float32Array.from(g.dataSync())]));
    this.inner.step(grads, variables);
  }
  dispose(): void {
    this.inner.dispose();
  }
}
