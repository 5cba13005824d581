import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../nn/module.js';
import type { Optimizer } from './optimizers.js';

/**
 * One optimisation step: gradients of `loss()` w.r.t. every trainable variable of `model`
 * (which must be in training mode), then `optimizer.step`. Returns the loss value.
 */
export function trainStep(model: Module, optimizer: Optimizer, loss: () => tf.Scalar): number {
  if (!model.isTraining) throw new Error('trainStep: call model.setTraining(true) first');
  const variables = model.trainableVariables();
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    optimizer.step(grads, variables);
    return value.dataSync()[0];
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}
