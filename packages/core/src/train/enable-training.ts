import * as tf from '@tensorflow/tfjs-core';

let enabled: Promise<void> | null = null;

/**
 * Makes gradients available. tfjs-core alone registers no gradient functions; the
 * `@tensorflow/tfjs` bundle registers them (and chained ops) on the same tfjs-core instance, so
 * training code loads it once. Inference never needs it.
 */
export function enableTraining(): Promise<void> {
  enabled ??= (async () => {
    const specifier = '@tensorflow/tfjs';
    try {
      await import(/* @vite-ignore */ specifier);
    } catch (error) {
      enabled = null;
      throw new Error(
        `training needs @tensorflow/tfjs@${tf.version_core} (it registers TF.js gradients): install it next to @hrnetjs/core ` +
          `(${(error as Error).message.split('\n')[0]})`,
      );
    }
  })();
  return enabled;
}
