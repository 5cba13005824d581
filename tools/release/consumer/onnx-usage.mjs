// ONNX usage of the packed packages, run by consumer-test.mjs in the fresh npm project after it
// installs onnxruntime-node (the optional peer) with its download-only postinstall skipped.
// Exports pose_tiny to ONNX with the library, loads the .onnx file with onnxruntime-node itself and
// through @hrnetjs/core/node, and checks the heatmaps against the official ones (1e-4 of std).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelConfig } from '@hrnetjs/core';
import { createOrtSession, readCheckpointFile, readNpyFile } from '@hrnetjs/core/node';
import { PoseModel } from '@hrnetjs/pose-head';
import * as ort from 'onnxruntime-node';

const fixtures = process.env.HRNET_FIXTURES;
const fail = (message) => {
  throw new Error(`onnx: ${message}`);
};

const model = new PoseModel(parseModelConfig(await readFile(join(fixtures, 'pose', 'pose_tiny_config.json'), 'utf8')));
model.load((await readCheckpointFile(join(fixtures, 'pose', 'pose_tiny.pth'))).stateDict);
const file = join(process.cwd(), 'pose_tiny.onnx');
await writeFile(file, model.toOnnx());

// NCHW fixture input → the graph's NHWC input.
const input = await readNpyFile(join(fixtures, 'pose', 'input.npy'));
const [n, c, h, w] = input.shape;
const nhwc = new Float32Array(input.values.length);
for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) nhwc[(b * h * w + p) * c + k] = input.values[(b * c + k) * h * w + p];
const expected = (await readNpyFile(join(fixtures, 'pose', 'heatmaps.npy'))).values;

function relToStd(nhwcOut, dims) {
  const [, oh, ow, j] = dims;
  let maxAbs = 0;
  let sum = 0;
  let sumSq = 0;
  for (let b = 0; b < n; b++)
    for (let k = 0; k < j; k++)
      for (let p = 0; p < oh * ow; p++) {
        const e = expected[(b * j + k) * oh * ow + p];
        maxAbs = Math.max(maxAbs, Math.abs(nhwcOut[(b * oh * ow + p) * j + k] - e));
        sum += e;
        sumSq += e * e;
      }
  const mean = sum / expected.length;
  return maxAbs / Math.sqrt(sumSq / expected.length - mean * mean);
}

const plain = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
const out = (await plain.run({ input: new ort.Tensor('float32', nhwc, [n, h, w, c]) })).heatmaps;
const a = relToStd(out.data, out.dims);
if (!(a < 1e-4)) fail(`onnxruntime-node on the file: heatmaps differ by ${a} of std`);
await plain.release();

const session = await createOrtSession(file, { intraOpNumThreads: 1 });
const viaLib = (await session.run({ input: { data: nhwc, dims: [n, h, w, c] } })).heatmaps;
const b = relToStd(viaLib.data, viaLib.dims);
if (!(b < 1e-4)) fail(`createOrtSession: heatmaps differ by ${b} of std`);
await session.release();
console.log(`onnx: toOnnx() file loads in onnxruntime-node ${ort.env.versions?.node ?? ''}; heatmaps within ${a.toExponential(1)} of std of the official ones`);
