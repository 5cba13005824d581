import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../nn/module.js';
import type { Optimizer } from './optimizers.js';
import { trainStep } from './train-step.js';

/** Progress of a {@link fit} run, reported after every step. */
export interface FitProgress {
  epoch: number;
  /** Epochs of the run (the last epoch is `epochs − 1`). */
  epochs: number;
  step: number;
  stepsInEpoch: number;
  loss: number;
  learningRate: number;
  /** Seconds since this run started, and the estimated seconds left (at the run's mean step time). */
  elapsedSeconds: number;
  etaSeconds: number;
  /** Examples per second over this run (when {@link FitOptions.batchSize} is given). */
  examplesPerSecond?: number;
}

/** What {@link fit} trains, on what, and how it reports. */
export interface FitOptions<Batch> {
  model: Module;
  optimizer: Optimizer;
  epochs: number;
  /** First epoch to run (resume from a checkpoint saved after epoch `startEpoch − 1`). */
  startEpoch?: number;
  /** The batches of one epoch (called once per epoch, so data can be reshuffled / re-augmented). */
  batches: (epoch: number) => Iterable<Batch>;
  /** Loss of one batch (runs inside the gradient tape; tensors are freed for you). */
  loss: (batch: Batch) => tf.Scalar;
  /** Learning rate of an epoch / step (schedules); default: the optimizer's own. */
  learningRate?: (epoch: number, step: number) => number;
  onProgress?: (progress: FitProgress) => void;
  /** Examples in a batch (for the progress' examples/s). */
  batchSize?: (batch: Batch) => number;
  /**
   * Runs one step elsewhere and returns its loss (data-parallel workers); default
   * {@link trainStep} on `model` in this thread with `loss`.
   */
  step?: (batch: Batch, epoch: number, step: number) => Promise<number>;
  /** Called after each epoch, e.g. to save a checkpoint. */
  onEpochEnd?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/**
 * The epoch loop of the official train scripts: schedule → steps → progress → epoch hook. The
 * model is in training mode during the run and back in inference mode afterwards. Returns the
 * mean loss of every epoch.
 */
export async function fit<Batch>(options: FitOptions<Batch>): Promise<number[]> {
  const { model, optimizer, epochs, startEpoch = 0 } = options;
  const history: number[] = [];
  const started = performance.now();
  let stepsDone = 0;
  let examplesDone = 0;
  model.setTraining(true);
  try {
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const batches = [...options.batches(epoch)];
      let total = 0;
      for (let step = 0; step < batches.length; step++) {
        const batch = batches[step];
        if (options.learningRate) optimizer.learningRate = options.learningRate(epoch, step);
        const loss = options.step ? await options.step(batch, epoch, step) : trainStep(model, optimizer, () => options.loss(batch));
        total += loss;
        stepsDone++;
        if (options.batchSize) examplesDone += options.batchSize(batch);
        const elapsedSeconds = (performance.now() - started) / 1000;
        const stepsLeft = batches.length - step - 1 + (epochs - epoch - 1) * batches.length;
        options.onProgress?.({
          epoch,
          epochs,
          step,
          stepsInEpoch: batches.length,
          loss,
          learningRate: optimizer.learningRate,
          elapsedSeconds,
          etaSeconds: (elapsedSeconds / stepsDone) * stepsLeft,
          ...(options.batchSize && { examplesPerSecond: examplesDone / elapsedSeconds }),
        });
      }
      const mean = total / Math.max(batches.length, 1);
      history.push(mean);
      await options.onEpochEnd?.(epoch, mean);
    }
  } finally {
    model.setTraining(false);
  }
  return history;
}
