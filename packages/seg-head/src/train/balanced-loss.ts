import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@hrnetjs/core';
import { type CrossEntropyOptions, crossEntropyLoss, ohemCrossEntropyLoss, pixelTerms } from './cross-entropy.js';

/** Options of {@link balancedSegLoss}. */
export interface BalancedLossOptions extends CrossEntropyOptions {
  /** OHEM on the LAST output (LOSS.USE_OHEM); the others then take the per-pixel mean below. */
  ohem?: { thresh?: number; minKept?: number };
}

/**
 * `LOSS.BALANCE_WEIGHTS` of the official criteria: Σ wᵢ·lossᵢ over the model's outputs ([aux, main]
 * for HRNet-OCR, weights [0.4, 1] in every seg_hrnet_ocr yaml). Plain cross entropy: each term is
 * `nn.CrossEntropyLoss` (weighted mean over labelled pixels). With OHEM the last output uses
 * OhemCrossEntropy and the others the criterion's `reduction='none'` losses, which the training loop
 * then averages over ALL pixels (ignored ones count as 0) — reproduced here.
 */
export function balancedSegLoss(outputs: tf.Tensor4D[], labels: tf.Tensor3D, balanceWeights: readonly number[], options: BalancedLossOptions = {}): tf.Scalar {
  if (outputs.length === 0 || balanceWeights.length !== outputs.length) {
    throw new Error(`LOSS.BALANCE_WEIGHTS has ${balanceWeights.length} weight(s) but the model has ${outputs.length} output(s); give one weight per output ([aux, main] for HRNet-OCR, e.g. [0.4, 1])`);
  }
  if (!balanceWeights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    throw new Error(`LOSS.BALANCE_WEIGHTS must be finite numbers, got ${JSON.stringify(balanceWeights)}`);
  }
  return tf.tidy(() => {
    const last = outputs.length - 1;
    const terms = outputs.map((out, i) => {
      let loss: tf.Scalar;
      if (!options.ohem) loss = crossEntropyLoss(out, labels, options);
      else if (i === last) loss = ohemCrossEntropyLoss(out, labels, { ...options, ...options.ohem });
      else loss = tf.mean(pixelTerms(out, labels, options).losses) as tf.Scalar;
      return tf.mul(loss, balanceWeights[i]);
    });
    return tf.addN(terms) as tf.Scalar;
  });
}

/**
 * The balance weights a model trains with: `LOSS.BALANCE_WEIGHTS` of its official yaml when it has
 * one weight per output, else [0.4, 1] for HRNet-OCR (what every seg_hrnet_ocr yaml sets) and [1]
 * for HRNetV2.
 */
export function defaultBalanceWeights(config: ModelConfig): number[] {
  const outputs = config.head.type === 'seg' && config.head.ocr ? 2 : 1;
  const source = config.source as { LOSS?: { BALANCE_WEIGHTS?: unknown } } | undefined;
  const fromYaml = source?.LOSS?.BALANCE_WEIGHTS;
  if (Array.isArray(fromYaml) && fromYaml.length === outputs && fromYaml.every((w) => typeof w === 'number')) return [...fromYaml];
  return outputs === 2 ? [0.4, 1] : [1];
}
