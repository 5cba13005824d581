// ONNX usage of the packed packages, run by consumer-test.mjs in the fresh npm project after it
// installs onnxruntime-node (the optional peer) with its download-only postinstall skipped.
// Exports pose_tiny to ONNX with the library, loads the .onnx file with onnxruntime-node itself and
// through @hrnetjs/core/node, and checks the heatmaps against the official ones (1e-4 of std); the
// same for the file `npx hrnet convert --to onnx` wrote (argument 1), and for the published build's
// optimized-graph cache (its optimizing child process included).
import { readdirSync } from 'node:fs';
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
const converted = process.argv[2];
if (!converted) fail('pass the file `hrnet convert --to onnx` wrote');
const cli = await ort.InferenceSession.create(converted, { intraOpNumThreads: 1 });
const fromCli = (await cli.run({ input: new ort.Tensor('float32', nhwc, [n, h, w, c]) })).heatmaps;
const d = relToStd(fromCli.data, fromCli.dims);
if (!(d < 1e-4)) fail(`hrnet convert --to onnx: heatmaps differ by ${d} of std`);
await cli.release();

const cacheDir = join(process.cwd(), 'ort-cache');
for (let i = 0; i < 2; i++) {
  const cached = await createOrtSession(file, { intraOpNumThreads: 1, optimizedModelCache: cacheDir });
  const viaCache = (await cached.run({ input: { data: nhwc, dims: [n, h, w, c] } })).heatmaps;
  const e = relToStd(viaCache.data, viaCache.dims);
  if (!(e < 1e-4)) fail(`optimizedModelCache (session ${i + 1}): heatmaps differ by ${e} of std`);
  await cached.release();
}
const entries = readdirSync(cacheDir);
if (entries.length !== 1) fail(`optimizedModelCache: expected one entry, found ${entries.join(', ') || 'none'}`);
console.log(
  `onnx: toOnnx() and \`hrnet convert --to onnx\` files load in onnxruntime-node ${ort.env.versions?.node ?? ''}; heatmaps within ${Math.max(a, d).toExponential(1)} of std of the official ones; optimizedModelCache wrote 1 entry, reused`,
);
