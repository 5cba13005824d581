/**
 * The web playground in a real browser: builds the page with Vite, serves it on 127.0.0.1, drives
 * Debian's headless Chromium with playwright-core (every request off the local server is blocked)
 * and checks that the page's results equal the Node pipeline's on the same image and weights,
 * that the overlay was drawn where the results are (and nowhere else), that converted weights
 * give the same poses in both, and that a broken checkpoint gives a readable error.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors, encodeTfjsWeights, readCheckpoint, readTfjsWeights, type RgbImage, type StateDict } from '@hrnetjs/core';
import { readImageFile, useBackend } from '@hrnetjs/core/node';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDemoPose,
  DEMO_SAMPLES,
  DEMO_SEG_PALETTE,
  DEMO_WEIGHT_FILES,
  type DemoModels,
  type DemoRecord,
  type DemoResult,
  loadDemoModels,
  resultRecord,
  runDemo,
} from '../src/demo-model/index.js';
import { defaultWeightsDir, samplesDir } from '../src/demo-model/paths.js';
import { composeOverlay, type SegPalette } from './src/draw.js';
import { modelFromStateDict } from './src/official-checkpoint.js';
import { runPage } from './src/pipeline.js';
import { recordDifferences, type Tolerances } from './test-support/compare-records.js';
import { buildPage, CHROMIUM, CHROMIUM_ARGS, openPage, RUN_TIMEOUT_MS, requireChromium } from './test-support/browser-page.js';
import { boxesMask, overlayRegion } from './test-support/overlay-region.js';
import { serveStatic, type StaticServer } from './test-support/static-server.js';

/** Browser wasm vs Node wasm: the same kernels, so only float rounding may differ. */
const SAME_WEIGHTS: Tolerances = { boxPx: 0.5, score: 0.01, keypointPx: 0.5, segPercent: 0.1 };

let outDir = '';
let server: StaticServer | null = null;
let browser: Browser | null = null;
let page: Page;
let nodeModels: DemoModels;
const pageErrors: string[] = [];
const nodeResults = new Map<string, Promise<DemoResult>>();
/** `tf.memory().numTensors` in the page after each sample's run. */
const tensorsAfter: number[] = [];

/** The Node pipeline's result on a sample (computed once per sample). */
function nodeResult(file: string): Promise<DemoResult> {
  let result = nodeResults.get(file);
  if (!result) nodeResults.set(file, (result = readImageFile(join(samplesDir(), file)).then((image) => runDemo(nodeModels, image))));
  return result;
}

/** Does `action`, then waits until the page has finished one more run; returns its record. */
async function afterRun(action: () => Promise<unknown>): Promise<DemoRecord> {
  const before = await page.evaluate(() => window.__hrnet?.runs ?? 0);
  await action();
  await page.waitForFunction((n) => (window.__hrnet?.runs ?? 0) > n && ['done', 'error'].includes(document.body.dataset.status ?? ''), before, {
    timeout: RUN_TIMEOUT_MS,
  });
  const { status, error, record } = await page.evaluate(() => ({ status: document.body.dataset.status, error: window.__hrnet?.error, record: window.__hrnet?.record }));
  expect(error ?? null, 'the page showed an error').toBeNull();
  expect(status).toBe('done');
  if (!record) throw new Error('the page finished a run without publishing a record');
  return record;
}

/** Makes `file` the page's current sample (the page runs on every change). */
async function showSample(file: string): Promise<DemoRecord> {
  const current = await page.evaluate(() => window.__hrnet?.record?.image);
  if (current === file) return afterRun(() => page.click('#run'));
  return afterRun(() => page.selectOption('#sample', { label: file }));
}

/** The canvas as RGB (alpha must be opaque). */
async function canvasPixels(): Promise<RgbImage> {
  const { width, height, base64 } = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) throw new Error('no #canvas with a 2D context');
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let text = '';
    for (let i = 0; i < rgba.length; i += 0x8000) text += String.fromCharCode(...rgba.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, base64: btoa(text) };
  });
  const rgba = Buffer.from(base64, 'base64');
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    expect(rgba[4 * p + 3]).toBe(255);
    data.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
  }
  return { width, height, data };
}

const samePixel = (a: RgbImage, b: RgbImage, p: number) => a.data[3 * p] === b.data[3 * p] && a.data[3 * p + 1] === b.data[3 * p + 1] && a.data[3 * p + 2] === b.data[3 * p + 2];

/**
 * The canvas shows `result`'s overlay: the image's size, unchanged outside every mask, box and
 * skeleton, a clear share of the box pixels changed, and (nearly) the very pixels Node's overlay
 * of Node's result has.
 */
async function expectOverlay(file: string, result: DemoResult, palette: SegPalette): Promise<void> {
  const canvas = await canvasPixels();
  const original = await readImageFile(join(samplesDir(), file));
  expect([canvas.width, canvas.height]).toEqual([original.width, original.height]);
  const region = overlayRegion(result, palette, 2);
  const inBoxes = boxesMask(result);
  const expected = composeOverlay(result, palette);
  let changedOutside = 0;
  let changedInBoxes = 0;
  let boxPixels = 0;
  let sameAsNode = 0;
  for (let p = 0; p < canvas.width * canvas.height; p++) {
    const changed = !samePixel(canvas, original, p);
    if (changed && !region[p]) changedOutside++;
    if (inBoxes[p]) {
      boxPixels++;
      if (changed) changedInBoxes++;
    }
    if (samePixel(canvas, expected, p)) sameAsNode++;
  }
  expect(changedOutside, 'pixels changed outside every mask, box and skeleton').toBe(0);
  expect(boxPixels, 'the detector found something to draw').toBeGreaterThan(0);
  expect(changedInBoxes / boxPixels, 'share of box pixels the overlay changed').toBeGreaterThan(0.03);
  // Only pixels at the edge of a sub-pixel difference between the two results may differ.
  expect(sameAsNode / (canvas.width * canvas.height), "share of pixels equal to Node's overlay").toBeGreaterThan(0.995);
}

beforeAll(async () => {
  requireChromium();
  await useBackend('wasm');
  nodeModels = loadDemoModels({
    multiTask: await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.multiTask)),
    pose: await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.pose)),
  });
  outDir = await buildPage();
  server = await serveStatic(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // The page loads the weights and runs the first sample by itself.
  page = await openPage(browser, server.origin, pageErrors);
}, RUN_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
  nodeModels?.multiTask.dispose();
  nodeModels?.pose.dispose();
});

describe('web playground (headless Chromium)', () => {
  it('starts on the wasm backend with the demo weights', async () => {
    const state = await page.evaluate(() => ({
      backend: window.__hrnet?.backend,
      active: document.querySelector('#active-backend')?.textContent,
      options: Array.from(document.querySelectorAll('#backend option'), (o) => o.textContent),
      hasWebGpu: 'gpu' in navigator && Boolean(navigator.gpu),
    }));
    expect(state.backend).toBe('wasm');
    expect(state.active).toBe('wasm');
    // webgpu is offered exactly where the browser has navigator.gpu.
    expect(state.options).toEqual(state.hasWebGpu ? ['wasm', 'webgl', 'webgpu', 'cpu'] : ['wasm', 'webgl', 'cpu']);
  });

  for (const { file } of DEMO_SAMPLES) {
    it(`${file}: every task equals the Node pipeline and the overlay is drawn where the results are`, async () => {
      const record = await showSample(file);
      const node = await nodeResult(file);
      expect(recordDifferences(record, resultRecord(file, node), SAME_WEIGHTS)).toEqual([]);

      await expectOverlay(file, node, DEMO_SEG_PALETTE);
      tensorsAfter.push(await page.evaluate(() => window.__hrnet?.tensors ?? -1));
    });
  }

  it('runs leak no tensors (only the compiled weights stay)', () => {
    expect(tensorsAfter.length).toBe(DEMO_SAMPLES.length);
    expect(tensorsAfter[0]).toBeGreaterThan(0);
    expect(new Set(tensorsAfter).size, `tensors after each sample: ${tensorsAfter.join(', ')}`).toBe(1);
  });

  it('the cpu backend gives the same results as Node', async () => {
    const file = DEMO_SAMPLES[0].file;
    await showSample(file);
    const record = await afterRun(() => page.selectOption('#backend', 'cpu'));
    expect(await page.evaluate(() => window.__hrnet?.backend)).toBe('cpu');
    expect(record.image).toBe(file);
    expect(recordDifferences(record, resultRecord(file, await nodeResult(file)), SAME_WEIGHTS)).toEqual([]);
    await afterRun(() => page.selectOption('#backend', 'wasm'));
    expect(await page.evaluate(() => window.__hrnet?.backend)).toBe('wasm');
  });

  it('GPU backends: each one offered either runs like Node or says in the page why it cannot start', async () => {
    const file = DEMO_SAMPLES[0].file;
    await showSample(file);
    const names = await page.evaluate(() => Array.from(document.querySelectorAll('#backend option'), (o) => o.textContent ?? ''));
    const gpu = names.filter((n) => n === 'webgl' || n === 'webgpu');
    expect(gpu[0]).toBe('webgl');
    for (const name of gpu) {
      const before = await page.evaluate(() => window.__hrnet?.runs ?? 0);
      await page.selectOption('#backend', name);
      await page.waitForFunction((n) => (window.__hrnet?.runs ?? 0) > n || document.body.dataset.status === 'error', before, { timeout: RUN_TIMEOUT_MS });
      const state = await page.evaluate(() => ({
        status: document.body.dataset.status,
        error: window.__hrnet?.error ?? null,
        backend: window.__hrnet?.backend,
        record: window.__hrnet?.record,
        active: document.querySelector('#active-backend')?.textContent,
        selected: document.querySelector<HTMLSelectElement>('#backend')?.value,
      }));
      if (state.status === 'done') {
        expect(state.error).toBeNull();
        expect([state.backend, state.active, state.selected]).toEqual([name, name, name]);
        // WebGL here is Chromium's float32 software GL (SwiftShader): Node's numbers within the same tolerances.
        expect(recordDifferences(state.record!, resultRecord(file, await nodeResult(file)), SAME_WEIGHTS)).toEqual([]);
      } else {
        // E.g. webgpu without a GPU adapter: a readable message, and the page stays on the backend it had.
        expect(state.status).toBe('error');
        expect(state.error).toMatch(new RegExp(`^Switching to the ${name} backend: .*${name}.*; pick `));
        expect([state.backend, state.active, state.selected]).toEqual(['webgl', 'webgl', 'webgl']);
      }
    }
    await afterRun(() => page.selectOption('#backend', 'wasm'));
    expect(await page.evaluate(() => window.__hrnet?.backend)).toBe('wasm');
  });

  it('a truncated checkpoint shows the reader error in the page, and the page keeps working', async () => {
    const full = await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.pose));
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    const readerMessage = (() => {
      try {
        readCheckpoint(truncated);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the reader accepted a truncated checkpoint');
    })();
    await page.setInputFiles('#checkpoint-file', { name: 'broken-pose.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(truncated) });
    await page.waitForFunction(() => document.body.dataset.status === 'error', undefined, { timeout: RUN_TIMEOUT_MS });
    const shown = await page.evaluate(() => ({ text: document.querySelector('#error')?.textContent, hidden: document.querySelector<HTMLElement>('#error')?.hidden, weights: document.querySelector('#weights-info')?.textContent }));
    expect(shown.hidden).toBe(false);
    expect(shown.text).toBe(`Loading the checkpoint: ${readerMessage}`);
    expect(shown.weights).toBe('demo weights');

    // A valid checkpoint of a family the page does not run: refused with what it takes instead.
    await page.setInputFiles('#checkpoint-file', { name: DEMO_WEIGHT_FILES.multiTask, mimeType: 'application/octet-stream', buffer: await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.multiTask)) });
    await page.waitForFunction((text) => window.__hrnet?.error?.includes(text), DEMO_WEIGHT_FILES.multiTask, { timeout: RUN_TIMEOUT_MS });
    expect(await page.evaluate(() => document.body.dataset.status)).toBe('error');
    expect(await page.evaluate(() => document.querySelector('#error')?.textContent)).toMatch(
      /^Loading the checkpoint: demo-multitask\.safetensors is an mmdetection \(Faster R-CNN\) checkpoint; the playground runs pose checkpoints .* or segmentation checkpoints/,
    );

    const record = await afterRun(() => page.click('#run'));
    expect(recordDifferences(record, resultRecord(record.image, await nodeResult(record.image)), SAME_WEIGHTS)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a dropped segmentation checkpoint (official seg_hrnet keys) segments with its own classes, as in Node', async () => {
    // The demo's trained HRNetV2 seg head with its backbone, renamed to the official seg_hrnet keys.
    const { stateDict } = readCheckpoint(await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.multiTask)));
    const seg: StateDict = new Map();
    for (const [key, tensor] of stateDict) {
      if (key.startsWith('backbone.')) seg.set(key.slice('backbone.'.length), tensor);
      else if (key.startsWith('last_layer.')) seg.set(key, tensor);
    }
    const name = 'seg_hrnet_demo.safetensors';
    const file = DEMO_SAMPLES[2].file;
    await showSample(file);
    const record = await afterRun(() =>
      page.setInputFiles('#checkpoint-file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(encodeSafetensors(seg, { format: 'pt' })) }),
    );
    expect(await page.evaluate(() => document.querySelector('#weights-info')?.textContent)).toContain(`${name}: segmentation model, 5 classes`);

    const official = modelFromStateDict(seg, name);
    if (official.kind !== 'seg') throw new Error(`expected a seg model, got ${official.kind}`);
    try {
      const image = await readImageFile(join(samplesDir(), file));
      const node = await runPage({ demo: nodeModels, seg: { model: official.model, dataset: official.dataset } }, image, { detect: true, pose: true, segment: true });
      expect(Object.keys(record.segmentation ?? {})).toEqual(['class 0', 'class 1', 'class 2', 'class 3', 'class 4']);
      expect(recordDifferences(record, resultRecord(file, node.result), SAME_WEIGHTS)).toEqual([]);
      await expectOverlay(file, node.result, node.palette);
    } finally {
      official.model.dispose();
    }
    await afterRun(() => page.click('#use-demo-weights'));
  });

  it('the demo pose weights converted to TF.js float16, dropped as a checkpoint, give the poses Node gives with them', async () => {
    const { stateDict } = readCheckpoint(await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.pose)));
    const { modelJson, shards } = encodeTfjsWeights(stateDict, { dtype: 'float16', shardBytes: 512 * 1024 });
    expect(shards.length).toBeGreaterThan(1);
    const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
    const file = DEMO_SAMPLES[1].file;
    await afterRun(() => page.selectOption('#sample', { label: file }));
    const record = await afterRun(() =>
      page.setInputFiles('#checkpoint-file', [
        { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(modelJson)) },
        ...shards.map((bytes, i) => ({ name: paths[i], mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })),
      ]),
    );
    expect(await page.evaluate(() => document.querySelector('#weights-info')?.textContent)).toContain('model.json: pose model, the demo pose model');

    const converted = createDemoPose((await readTfjsWeights(JSON.parse(JSON.stringify(modelJson)), shards)).stateDict);
    try {
      const node = resultRecord(file, await runDemo({ multiTask: nodeModels.multiTask, pose: converted }, await readImageFile(join(samplesDir(), file))));
      expect(node.poses.length).toBeGreaterThan(0);
      // Same float16 weights on both sides: the float32 tolerances hold.
      expect(recordDifferences(record, node, SAME_WEIGHTS)).toEqual([]);
    } finally {
      converted.dispose();
    }
    const back = await afterRun(() => page.click('#use-demo-weights'));
    expect(recordDifferences(back, resultRecord(file, await nodeResult(file)), SAME_WEIGHTS)).toEqual([]);
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
