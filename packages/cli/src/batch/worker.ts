import * as tf from '@tensorflow/tfjs-core';
import { type ImageJob, processImage } from './process-image.js';

// A piscina worker thread: each thread loads the models once (on its first image) on its own engine.
tf.enableProdMode();

export default function run(job: ImageJob) {
  return processImage(job);
}
