/**
 * The web playground on onnxruntime-web in headless Chromium: the page builds each network's ONNX
 * graph from the loaded demo weights (`model.toOnnx()`) and runs it on onnxruntime-web — the `wasm`
 * execution provider with WebAssembly threads (the page is cross-origin isolated), and the
 * `webgpu` provider where Chromium gives an adapter. Its results and its raw network outputs must
 * equal Node's: TF.js (the reference) and onnxruntime-node on the same graphs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encodeSafetensors, type HostTensor, type OnnxSession, readCheckpoint, type RgbImage, type StateDict, type TaskModel } from '@hrnetjs/core';
import { createOrtSession, readImageFile, useBackend } from '@hrnetjs/core/node';
import { preprocessForDetection } from '@hrnetjs/detection-head';
import { TopDownPoseEstimator } from '@hrnetjs/pose-head';
import { cropPerson, normalizationTable, normalizeCrops, xywh2cs } from '@hrnetjs/pose-head/ops';
import { difference } from '@hrnetjs/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SAMPLES, DEMO_WEIGHT_FILES, type DemoModels, type DemoRecord, type DemoResult, loadDemoModels, resultRecord, runDemo } from '../src/demo-model/index.js';
import { defaultWeightsDir, samplesDir } from '../src/demo-model/paths.js';
import type { EncodedTensor } from './src/env.js';
import { modelFromStateDict } from './src/official-checkpoint.js';
import { runPage } from './src/pipeline.js';
import { afterRunOutcome, buildPage, CHROMIUM, CHROMIUM_ARGS, openPage, RUN_TIMEOUT_MS, requireChromium } from './test-support/browser-page.js';
import { recordDifferences, recordGaps, type Tolerances } from './test-support/compare-records.js';
import { serveStatic, type StaticServer } from './test-support/static-server.js';

/** The project's ONNX parity criteria: boxes IoU ≥ 0.99 with the same labels, keypoints within 0.5 px. */
const ONNX_TOLERANCES: Tolerances = { boxPx: Infinity, boxIou: 0.99, score: 0.01, keypointPx: 0.5, segPercent: 0.1 };
/** Raw heatmaps / logits / features: max |Δ| within 1e-4 of the reference tensor's std. */
const RAW_TOLERANCE = 1e-4;
/**
 * WebGPU in headless Chromium without a GPU: the same flags minus `--disable-gpu`, plus
 * `--enable-unsafe-webgpu` (Linux WebGPU is behind it); Dawn then offers SwiftShader's Vulkan.
 */
const WEBGPU_ARGS = [...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'), '--enable-unsafe-webgpu'];
const ORT_MJS = /\/assets\/ort-wasm-simd-threaded\.jsep-[^/]*\.mjs$/;

/** Does Chromium with WEBGPU_ARGS give a WebGPU adapter? Asked once, before the tests are collected. */
async function probeWebGpu(): Promise<{ adapter: string | null; why: string }> {
  if (!existsSync(CHROMIUM)) return { adapter: null, why: `no Chromium at ${CHROMIUM}` };
  const dir = await mkdtemp(join(tmpdir(), 'hrnet-webgpu-probe-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>probe</title>');
  const server = await serveStatic(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: WEBGPU_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    return await page.evaluate(async () => {
      if (!navigator.gpu) return { adapter: null, why: 'Chromium has no navigator.gpu with --enable-unsafe-webgpu' };
      const adapter = await navigator.gpu.requestAdapter().catch(() => null);
      if (!adapter) return { adapter: null, why: 'navigator.gpu.requestAdapter() gave no adapter (tried: headless Chromium with --enable-unsafe-webgpu and without --disable-gpu)' };
      // GPUAdapter.info (Chromium ≥ 127) is newer than the WebGPU types here.
      const info = (adapter as unknown as { info?: { vendor?: string; architecture?: string } }).info;
      return { adapter: `${info?.vendor ?? ''} ${info?.architecture ?? ''}`.trim() || 'unnamed adapter', why: '' };
    });
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
const webgpu = await probeWebGpu();

let outDir = '';
let server: StaticServer | null = null;
let browser: Browser | null = null;
let page: Page;
let nodeModels: DemoModels;
/** onnxruntime-node sessions of the same two graphs the page builds. */
const nodeOrt: { multiTask?: OnnxSession; pose?: OnnxSession } = {};
const pageErrors: string[] = [];
const nodeResults = new Map<string, Promise<DemoResult>>();

/** The Node TF.js pipeline's result on a sample (computed once per sample). */
function nodeResult(file: string): Promise<DemoResult> {
  let result = nodeResults.get(file);
  if (!result) nodeResults.set(file, (result = readImageFile(join(samplesDir(), file)).then((image) => runDemo(nodeModels, image))));
  return result;
}

/** Does `action` and expects the page to finish a run without an error; returns its record. */
async function expectRun(on: Page, action: () => Promise<unknown>): Promise<DemoRecord> {
  const { status, error, record } = await afterRunOutcome(on, action);
  expect(error, 'the page showed an error').toBeNull();
  expect(status).toBe('done');
  if (!record) throw new Error('the page finished a run without publishing a record');
  return record;
}

/** The page's record on a sample, next to Node's; logs the measured gaps. */
async function compareSample(on: Page, file: string, what: string): Promise<string[]> {
  const current = await on.evaluate(() => window.__hrnet?.record?.image);
  const record = await expectRun(on, () => (current === file ? on.click('#run') : on.selectOption('#sample', { label: file })));
  const node = resultRecord(file, await nodeResult(file));
  console.log(`${what}, ${file}: ${record.detections.length} detections, ${record.poses.length} poses; gaps to Node TF.js ${JSON.stringify(recordGaps(record, node))}`);
  return recordDifferences(record, node, ONNX_TOLERANCES);
}

const encode = (t: HostTensor): EncodedTensor => ({ dims: [...t.dims], base64: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') });
function decode(t: EncodedTensor): HostTensor {
  const bytes = Uint8Array.from(Buffer.from(t.base64, 'base64'));
  return { dims: t.dims, data: new Float32Array(bytes.buffer) };
}

/** The two network inputs of a sample, as the Node pipeline makes them: the detector's padded image and the pose crops of its people. */
async function networkInputs(file: string): Promise<Record<'multiTask' | 'pose', HostTensor>> {
  const image: RgbImage = await readImageFile(join(samplesDir(), file));
  const det = preprocessForDetection(image, nodeModels.multiTask.detector.testPipeline);
  const { inputSize, mean, std } = new TopDownPoseEstimator(nodeModels.pose).settings;
  const [w, h] = inputSize;
  const people = (await nodeResult(file)).detections.filter((d) => d.label === 'person').slice(0, 4);
  expect(people.length).toBeGreaterThan(0);
  const crops = people.map(({ box }) => cropPerson(image, xywh2cs({ x: box.xmin, y: box.ymin, width: box.xmax - box.xmin, height: box.ymax - box.ymin }, w / h), inputSize));
  return {
    multiTask: { data: det.data, dims: [...det.shape] },
    pose: { data: normalizeCrops(crops, normalizationTable(mean, std)), dims: [crops.length, h, w, 3] },
  };
}

/**
 * Every named output of the page's active engine on the sample's real network inputs, against Node
 * TF.js (`logits`, `neck_out_*`, `heatmaps`) and onnxruntime-node (those and the RPN outputs):
 * max |Δ| / std of the Node tensor. Returns the worst per network and reference, for the log.
 */
async function rawDifferences(on: Page, file: string): Promise<Record<string, number>> {
  const inputs = await networkInputs(file);
  const worst: Record<string, number> = {};
  for (const network of ['multiTask', 'pose'] as const) {
    const input = inputs[network];
    const fromPage = await on.evaluate(({ network, input }) => window.__hrnet!.forward!(network, input), { network, input: encode(input) });
    const model: TaskModel = nodeModels[network];
    const x = tf.tensor4d(input.data, input.dims as [number, number, number, number]);
    const tfjs = model.forwardNamed(x);
    x.dispose();
    const ort = await nodeOrt[network]!.run({ input });
    expect(Object.keys(fromPage).sort(), `${network}: the page's outputs`).toEqual(Object.keys(ort).sort());
    for (const [name, expected] of Object.entries(ort)) {
      const got = decode(fromPage[name]);
      expect(got.dims, `${network} ${name}`).toEqual(expected.dims);
      const vsOrt = difference(got.data, expected.data).relToStd;
      expect(vsOrt, `${network} ${name} vs onnxruntime-node`).toBeLessThan(RAW_TOLERANCE);
      worst[`${network} vs onnxruntime-node`] = Math.max(worst[`${network} vs onnxruntime-node`] ?? 0, vsOrt);
      if (tfjs[name]) {
        const vsTfjs = difference(got.data, (await tfjs[name].data()) as Float32Array).relToStd;
        expect(vsTfjs, `${network} ${name} vs TF.js`).toBeLessThan(RAW_TOLERANCE);
        worst[`${network} vs TF.js`] = Math.max(worst[`${network} vs TF.js`] ?? 0, vsTfjs);
      }
    }
    expect(Object.keys(tfjs).every((name) => name in ort)).toBe(true);
    tf.dispose(Object.values(tfjs));
  }
  return worst;
}

/** What the page says runs the networks. */
const engineState = (on: Page) =>
  on.evaluate(() => ({
    engine: window.__hrnet?.engine,
    executionProvider: window.__hrnet?.executionProvider,
    ortThreads: window.__hrnet?.ortThreads,
    crossOriginIsolated: window.__hrnet?.crossOriginIsolated,
    isolatedNow: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    status: document.querySelector('#status-text')?.textContent ?? '',
    active: document.querySelector('#active-engine')?.textContent ?? '',
    selected: document.querySelector<HTMLSelectElement>('#engine')?.value,
  }));

beforeAll(async () => {
  requireChromium();
  await useBackend('wasm');
  nodeModels = loadDemoModels({
    multiTask: await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.multiTask)),
    pose: await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.pose)),
  });
  nodeOrt.multiTask = await createOrtSession(nodeModels.multiTask.toOnnx(), { intraOpNumThreads: 1 });
  nodeOrt.pose = await createOrtSession(nodeModels.pose.toOnnx(), { intraOpNumThreads: 1 });
  outDir = await buildPage();
  server = await serveStatic(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = await openPage(browser, server.origin, pageErrors);
}, RUN_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
  await nodeOrt.multiTask?.release();
  await nodeOrt.pose?.release();
  nodeModels?.multiTask.dispose();
  nodeModels?.pose.dispose();
});

describe('web playground on onnxruntime-web wasm, multi-threaded (headless Chromium, the flags of the other browser test)', () => {
  it('offers TF.js and onnxruntime-web (webgpu where navigator.gpu exists), and starts on TF.js', async () => {
    const { options, hasWebGpu } = await page.evaluate(() => ({
      options: Array.from(document.querySelectorAll<HTMLOptionElement>('#engine option'), (o) => o.value),
      hasWebGpu: 'gpu' in navigator && Boolean(navigator.gpu),
    }));
    expect(options).toEqual(hasWebGpu ? ['tfjs', 'ort-wasm', 'ort-webgpu'] : ['tfjs', 'ort-wasm']);
    expect(await engineState(page)).toMatchObject({ engine: 'tfjs', executionProvider: null, ortThreads: null, active: 'TF.js', selected: 'tfjs' });
  });

  it('the page is cross-origin isolated and onnxruntime-web runs its wasm EP on more than one thread', async () => {
    await expectRun(page, () => page.selectOption('#engine', 'ort-wasm'));
    const state = await engineState(page);
    console.log(`wasm EP: ${state.status}`);
    expect(state.crossOriginIsolated).toBe(true);
    expect(state.isolatedNow).toBe(true);
    // The page asks for every core (at most 8); onnxruntime-web would fall back to 1 without isolation.
    expect(state.ortThreads).toBe(Math.min(state.hardwareConcurrency, 8));
    expect(state.ortThreads).toBeGreaterThan(1);
    expect(state).toMatchObject({ engine: 'onnxruntime-web', executionProvider: 'wasm', selected: 'ort-wasm' });
    expect(state.active).toBe(`onnxruntime-web 1.30.0 wasm EP, ${state.ortThreads} threads`);
    expect(state.status).toMatch(new RegExp(`^Done: sample-1\\.png on onnxruntime-web 1\\.30\\.0 wasm EP, ${state.ortThreads} threads \\(pre/post-processing on TF\\.js wasm\\)\\.$`));
    // The threads are real: onnxruntime-web's pthread workers run its runtime script, served locally.
    const workers = page.workers().filter((w) => ORT_MJS.test(new URL(w.url()).pathname));
    expect(workers.length).toBeGreaterThanOrEqual(state.ortThreads! - 1);
  });

  for (const { file } of DEMO_SAMPLES) {
    it(`${file}: detections (IoU ≥ 0.99, same labels), poses (0.5 px) and segmentation equal Node's`, async () => {
      expect(await compareSample(page, file, 'onnxruntime-web wasm EP')).toEqual([]);
      expect((await engineState(page)).executionProvider).toBe('wasm');
    });
  }

  it("raw outputs (logits, neck levels, RPN maps, heatmaps) equal Node's TF.js and onnxruntime-node within 1e-4 of std", async () => {
    const worst = await rawDifferences(page, DEMO_SAMPLES[0].file);
    console.log(`onnxruntime-web wasm EP, raw outputs, worst max|Δ|/std: ${JSON.stringify(worst)}`);
  });

  it('webgpu without an adapter (this browser has --disable-gpu) shows why, and the page stays on the wasm EP', async () => {
    const offered = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#engine option'), (o) => o.value));
    if (!offered.includes('ort-webgpu')) return; // a browser without navigator.gpu does not offer it at all
    // The switch fails before any run: wait for the error itself.
    await page.selectOption('#engine', 'ort-webgpu');
    await page.waitForFunction(() => document.body.dataset.status === 'error', undefined, { timeout: RUN_TIMEOUT_MS });
    const error = await page.evaluate(() => window.__hrnet?.error);
    expect(error).toMatch(
      /^Switching to onnxruntime-web \(webgpu\): onnxruntime-web cannot start the 'webgpu' execution provider: navigator\.gpu gives no adapter \(no GPU, or GPU access is disabled\); use 'wasm'$/,
    );
    expect(await engineState(page)).toMatchObject({ engine: 'onnxruntime-web', executionProvider: 'wasm', selected: 'ort-wasm' });
    expect(await compareSample(page, DEMO_SAMPLES[0].file, 'onnxruntime-web wasm EP, after the refused webgpu')).toEqual([]);
  });

  it('a dropped segmentation checkpoint runs on onnxruntime-web too (its graph built in the page), as Node runs it', async () => {
    // The demo's HRNetV2 seg head with its backbone under the official seg_hrnet keys (as the other browser test).
    const { stateDict } = readCheckpoint(await readFile(join(defaultWeightsDir(), DEMO_WEIGHT_FILES.multiTask)));
    const seg: StateDict = new Map();
    for (const [key, tensor] of stateDict) {
      if (key.startsWith('backbone.')) seg.set(key.slice('backbone.'.length), tensor);
      else if (key.startsWith('last_layer.')) seg.set(key, tensor);
    }
    const name = 'seg_hrnet_demo.safetensors';
    const file = DEMO_SAMPLES[2].file;
    await expectRun(page, () => page.selectOption('#sample', { label: file }));
    const record = await expectRun(page, () =>
      page.setInputFiles('#checkpoint-file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(encodeSafetensors(seg, { format: 'pt' })) }),
    );
    expect(await engineState(page)).toMatchObject({ engine: 'onnxruntime-web', executionProvider: 'wasm' });
    expect(Object.keys(record.segmentation ?? {})).toEqual(['class 0', 'class 1', 'class 2', 'class 3', 'class 4']);
    const official = modelFromStateDict(seg, name);
    if (official.kind !== 'seg') throw new Error(`expected a seg model, got ${official.kind}`);
    try {
      const image = await readImageFile(join(samplesDir(), file));
      const node = resultRecord(file, (await runPage({ demo: nodeModels, seg: { model: official.model, dataset: official.dataset } }, image, { detect: true, pose: true, segment: true })).result);
      console.log(`onnxruntime-web wasm EP, dropped seg checkpoint, ${file}: gaps to Node TF.js ${JSON.stringify(recordGaps(record, node))}`);
      expect(recordDifferences(record, node, ONNX_TOLERANCES)).toEqual([]);
    } finally {
      official.model.dispose();
    }
    await expectRun(page, () => page.click('#use-demo-weights'));
  });

  it('back on TF.js: the same results as Node, and no page errors all along', async () => {
    const record = await expectRun(page, () => page.selectOption('#engine', 'tfjs'));
    expect(await engineState(page)).toMatchObject({ engine: 'tfjs', executionProvider: null, active: 'TF.js', selected: 'tfjs' });
    // TF.js wasm in the browser vs in Node: the same kernels (the other browser test's tolerances).
    expect(recordDifferences(record, resultRecord(record.image, await nodeResult(record.image)), { boxPx: 0.5, score: 0.01, keypointPx: 0.5, segPercent: 0.1 })).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('web playground on onnxruntime-web webgpu (headless Chromium, software adapter)', () => {
  it.skipIf(!webgpu.adapter)(
    `webgpu EP${webgpu.adapter ? ` on the '${webgpu.adapter}' adapter` : ''}: detections, poses, segmentation and raw outputs equal Node's${webgpu.adapter ? '' : ` — SKIPPED: ${webgpu.why}`}`,
    async () => {
      const gpuBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: WEBGPU_ARGS });
      const errors: string[] = [];
      try {
        const gpuPage = await openPage(gpuBrowser, server!.origin, errors);
        // Shader compilation on a software GPU: the first run takes minutes on 2 busy cores.
        await expectRun(gpuPage, () => gpuPage.selectOption('#engine', 'ort-webgpu'));
        const state = await engineState(gpuPage);
        console.log(`webgpu EP (${webgpu.adapter}): ${state.status}`);
        expect(state).toMatchObject({ engine: 'onnxruntime-web', executionProvider: 'webgpu', selected: 'ort-webgpu', active: 'onnxruntime-web 1.30.0 webgpu EP' });
        const file = DEMO_SAMPLES[0].file;
        const record = (await gpuPage.evaluate(() => window.__hrnet?.record))!;
        const node = resultRecord(file, await nodeResult(file));
        expect(record.image).toBe(file);
        console.log(`onnxruntime-web webgpu EP, ${file}: gaps to Node TF.js ${JSON.stringify(recordGaps(record, node))}`);
        expect(recordDifferences(record, node, ONNX_TOLERANCES)).toEqual([]);
        const worst = await rawDifferences(gpuPage, file);
        console.log(`onnxruntime-web webgpu EP, raw outputs, worst max|Δ|/std: ${JSON.stringify(worst)}`);
        expect(errors).toEqual([]);
      } finally {
        await gpuBrowser.close();
      }
    },
    2 * RUN_TIMEOUT_MS,
  );
});
