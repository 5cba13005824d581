import * as tf from '@tensorflow/tfjs-core';
import { fromNCHW, onnxRunner, parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { createOrtSession, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { matchDetections, oracleCase, oracleDifferences, withScores } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { FCOS } from './fcos.js';

// FCOS.toOnnx (backbone + HRFPN + the FCOS head's convs, GroupNorm as Reshape + InstanceNormalization)
// on onnxruntime-node CPU against the official mmdet outputs of tools/oracle/cases (gen_fcos.py).
const TOLERANCE = 1e-4;
const oneThread = (bytes: Uint8Array) => createOrtSession(bytes, { intraOpNumThreads: 1 });

describe('FCOS on onnxruntime-node CPU (one ONNX session; points, decoding and NMS in JS)', () => {
  it.each(['mmdet_fcos', 'mmdet_fcos_normbbox', 'mmdet_fcos_nonorm'])('%s: neck levels and head maps within 1e-4 of std; useOnnx detections as mmdet', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const model = new FCOS(parseModelConfig(c.configText));
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const bytes = model.toOnnx();
    const session = await oneThread(bytes);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = await onnxRunner(session)(x);
    const rel = await oracleDifferences(c, outputs, (t) => toNCHW(t as tf.Tensor4D), readNpyFile);
    tf.dispose(Object.values(outputs));
    await session.release();
    const worst = Object.entries(rel).sort((a, b) => b[1] - a[1])[0];
    console.log(`[${name} onnx] ${Object.keys(rel).length} maps, worst ${worst[0]} ${worst[1].toExponential(2)} of std; graph ${(bytes.length / 1024).toFixed(0)} kB`);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);

    await model.useOnnx(oneThread);
    try {
      for (const suffix of ['', '_noscale']) {
        const r = await model.simpleTest(x, undefined, suffix ? { rescale: false } : {});
        const ref = (await readNpyFile(`${c.dir}/det_bboxes${suffix}.npy`)).values as Float32Array;
        const labels = (await readNpyFile(`${c.dir}/det_labels${suffix}.npy`)).values as Int32Array;
        const pairs = matchDetections(ref, withScores(r.bboxes, r.scores), { referenceLabels: labels, actualLabels: r.labels });
        expect(r.scores.length).toBe(labels.length);
        expect(pairs.length, `${name}${suffix}: matched detections`).toBe(labels.length);
      }
    } finally {
      await model.releaseOnnx();
    }
    expect(model.onnxSession).toBeNull();
    x.dispose();
    model.dispose();
  });
});
