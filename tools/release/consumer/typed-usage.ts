// Typed usage of the packed packages: type-checked with tsc --noEmit under moduleResolution
// node16 and bundler by consumer-test.mjs (never run). Mirrors esm-usage.mjs.
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { type Checkpoint, type LoadReport, type ModelConfig, parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, useBackend } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';
import type { SegModel } from '@hrnetjs/seg-head';
import type { DetectionFeatureModel } from '@hrnetjs/detection-head';

export async function runPose(fixtures: string): Promise<number[]> {
  await useBackend('wasm');
  const config: ModelConfig = parseModelConfig(await readFile(`${fixtures}/pose/pose_tiny_config.json`, 'utf8'));
  const model = new PoseModel(config);
  const checkpoint: Checkpoint = await readCheckpointFile(`${fixtures}/pose/pose_tiny.pth`);
  const report: LoadReport = model.load(checkpoint.stateDict);
  if (report.missing.length > 0) throw new Error('missing keys');
  const x: tf.Tensor4D = tf.zeros([1, 256, 192, 3]);
  const heatmaps: tf.Tensor4D = model.predict(x);
  const named: Record<string, tf.Tensor> = model.forwardNamed(x);
  const shape = heatmaps.shape.slice();
  tf.dispose([x, heatmaps, ...Object.values(named)]);
  return shape;
}

// The other heads' classes must be visible with their types too.
export type Heads = [typeof SegModel, typeof DetectionFeatureModel];
