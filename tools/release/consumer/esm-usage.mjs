// ESM usage of the packed packages, run by consumer-test.mjs inside a fresh npm project.
// Loads the official pose_tiny checkpoint strictly, runs a forward pass on wasm and checks it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, parseModelConfig, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';

const fixtures = process.env.HRNET_FIXTURES;
const fail = (message) => {
  throw new Error(`esm: ${message}`);
};

const backend = await useBackend('wasm');
if (backend.name !== 'wasm' || tf.getBackend() !== 'wasm') fail(`expected the wasm backend, got ${backend.name}`);

const config = parseModelConfig(await readFile(join(fixtures, 'pose', 'pose_tiny_config.json'), 'utf8'));
const model = new PoseModel(config);
const { stateDict } = await readCheckpointFile(join(fixtures, 'pose', 'pose_tiny.pth'));
const report = model.load(stateDict); // strict by default: throws on any problem
const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
if (problems !== 0 || report.loaded.length === 0) fail(`strict load reported ${problems} problems, ${report.loaded.length} loaded`);

const zeros = tf.zeros([1, 256, 192, 3]);
const outputs = model.forwardNamed(zeros);
const shape = outputs.heatmaps.shape.join(',');
if (shape !== '1,64,48,17') fail(`heatmaps shape [${shape}], expected [1,64,48,17]`);
tf.dispose([zeros, ...Object.values(outputs)]);

// The packed code must compute what the official PyTorch code computed (fixture README: 1e-4 of std).
const x = fromNCHW(await readNpyFile(join(fixtures, 'pose', 'input.npy')));
const heatmaps = model.predict(x);
const actual = (await toNCHW(heatmaps)).values;
const expected = (await readNpyFile(join(fixtures, 'pose', 'heatmaps.npy'))).values;
if (actual.length !== expected.length) fail(`parity: ${actual.length} values, expected ${expected.length}`);
let maxAbs = 0;
let sum = 0;
let sumSq = 0;
for (let i = 0; i < expected.length; i++) {
  maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
  sum += expected[i];
  sumSq += expected[i] * expected[i];
}
const std = Math.sqrt(sumSq / expected.length - (sum / expected.length) ** 2);
if (!(maxAbs / std < 1e-4)) fail(`parity: max |diff| / std = ${maxAbs / std}, expected < 1e-4`);
tf.dispose([x, heatmaps]);
model.dispose();

console.log(`esm ok: wasm, ${report.loaded.length} tensors loaded strictly, heatmaps [${shape}], parity max|diff|/std ${(maxAbs / std).toExponential(2)}`);
