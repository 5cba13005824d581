import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseModelConfig, readCheckpoint, toNCHW } from '@hrnetjs/core';
import { readNpyFile, useBackend } from '@hrnetjs/core/node';
import { difference, oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { inputTensor } from '../input-transform.js';
import { segment } from '../segment.js';
import { createSegModel } from '../seg-network.js';
import { resolveSegSettings } from '../seg-settings.js';
import { prepareTestImage } from '../test-resize.js';
import { OcrSegModel } from './ocr-seg-model.js';

// End-to-end cases of tools/oracle/gen_ocr.py: a uint8 image through the official dataset class's
// testval preprocessing, multi_scale_inference with an HRNet-OCR model (output[-1]) and testval's
// padding crop + resize to the image size. See each case's README.md.
const CASES: Array<[string, string]> = [
  ['ocr_pipe_ade20k', 'short side 26 + pad /8 kept, scales 0.75/1/1.5 (windows), flip, align_corners true'],
  ['ocr_pipe_pascal_ctx', 'short side 44 + pad /8 cropped, crop 48×40, scales 0.75/1.25, align_corners false'],
  ['ocr_pipe_lip', 'resize to crop (h, w) read as (w, h), flip with the LIP pair swap, windows'],
];

interface PipelineManifest {
  near_ties: number[][];
  dataset: string;
}

describe('segment() with HRNet-OCR matches the official testval path (wasm)', () => {
  it.each(CASES)('%s (%s): test image, log of the summed prediction within 1e-4 of std, labels equal', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const meta = JSON.parse(readFileSync(join(c.dir, 'manifest.json'), 'utf8')) as PipelineManifest;
    const before = tf.memory().numTensors;
    const model = createSegModel(parseModelConfig(c.configText));
    expect(model).toBeInstanceOf(OcrSegModel);
    model.load(readCheckpoint(c.checkpoint).stateDict);
    const rgb = await readNpyFile(join(c.dir, 'image.npy'));
    const [height, width] = rgb.shape;
    const image = { width, height, data: Uint8Array.from(rgb.values as Uint8Array) };

    // The dataset's testval image (resize / pad, normalise) equals the official one.
    const settings = resolveSegSettings(model.config);
    expect(settings.dataset?.id).toBe(meta.dataset);
    const prepared = prepareTestImage(image, settings.testResize, settings.baseSize, settings.cropSize, settings.mean);
    const x = inputTensor(prepared.image, settings.mean, settings.std);
    const ours = await toNCHW(x);
    const official = await readNpyFile(c.inputPath);
    expect(ours.shape).toEqual(official.shape);
    expect(difference(ours.values as Float32Array, official.values as Float32Array).maxAbs).toBeLessThan(1e-5);
    x.dispose();

    const result = await segment(model, image, { returnScores: true });
    const pred = await readNpyFile(join(c.dir, 'pred.npy'));
    const [, classes] = pred.shape;
    expect(pred.shape).toEqual([1, classes, height, width]);
    const scores = tf.tensor4d(result.scores as Float32Array, [1, height, width, classes]);
    const scoresNCHW = await toNCHW(scores);
    scores.dispose();
    // Compared as log(pred) (the flip-averaged, scale-summed logits), the tensor gen_ocr.py checked the
    // official float32 round-off on (< 3e-5 of std); exp() makes pred itself heavy-tailed.
    const logOurs = Float64Array.from(scoresNCHW.values as Float32Array, Math.log);
    const logOfficial = Float64Array.from(pred.values as Float32Array, Math.log);
    const logRel = difference(logOurs, logOfficial).relToStd;
    // And element-wise: every summed prediction within 1e-3 relative (the seg_pipeline bar).
    let worst = 0;
    for (let i = 0; i < logOurs.length; i++) worst = Math.max(worst, Math.abs(Math.expm1(logOurs[i] - logOfficial[i])));
    if (process.env.HRNET_ORACLE_VERBOSE) console.info(name, { logRel, worst });
    expect(worst).toBeLessThan(1e-3);
    expect(logRel).toBeLessThan(1e-4);

    const labels = await readNpyFile(join(c.dir, 'labels.npy'));
    const ties = new Set(meta.near_ties.map(([y, xx]) => y * width + xx));
    let bad = 0;
    for (let p = 0; p < result.labels.length; p++) if (!ties.has(p) && result.labels[p] !== Number(labels.values[p])) bad++;
    expect(bad).toBe(0);
    expect(new Set(result.labels).size).toBeGreaterThan(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
