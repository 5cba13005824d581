/**
 * The web playground: pick a sample or drop an image, pick tasks, run the demo weights (or a
 * dropped official checkpoint) on the chosen engine (TF.js on the chosen backend, or
 * onnxruntime-web), see the overlay and the result record. Every action goes through one queue,
 * so runs, engine / backend switches and weight loads never overlap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, type RgbImage, type TaskModel } from '@hrnetjs/core';
import { type DemoModels, loadDemoModels, resultRecord } from '../../src/demo-model/index.js';
import { DEMO_WEIGHT_URLS, SAMPLES } from './assets.js';
import { availableBackends, switchBackend, type WebBackend } from './backends.js';
import { readDroppedCheckpoint, readDroppedFile } from './checkpoint-files.js';
import { availableEngines, ENGINE_LABELS, OrtEngine, type WebEngine } from './engines.js';
import { installForwardHook } from './forward-hook.js';
import { composeOverlay, putOnCanvas } from './draw.js';
import { fetchAllWithProgress, fetchWithProgress } from './load-weights.js';
import { modelFromStateDict, type OfficialModel } from './official-checkpoint.js';
import { type PageModels, runPage } from './pipeline.js';
import { acceptDrops, clearError, setStatus, showError, showProgress, showRecord, state, ui } from './ui.js';

let demo: DemoModels | null = null;
const official: { pose?: Extract<OfficialModel, { kind: 'pose' }>; seg?: Extract<OfficialModel, { kind: 'seg' }> } = {};
let image: { name: string; rgb: RgbImage } | null = null;
/** onnxruntime-web when it runs the networks; null: TF.js does. */
let ort: OrtEngine | null = null;

let queue: Promise<void> = Promise.resolve();

/** Runs `job` after every earlier one; a failure shows in the page as "<doing>: <message>". */
function enqueue(doing: string, job: () => Promise<void>): void {
  queue = queue.then(async () => {
    clearError();
    try {
      await job();
    } catch (error) {
      showError(doing, error);
    }
  });
}

/** The models of the next run; on onnxruntime-web their sessions are opened first (once per model). */
async function pageModels(): Promise<PageModels> {
  if (!demo) throw new Error('the demo weights are not loaded yet');
  const models: PageModels = { demo, pose: official.pose?.model, seg: official.seg && { model: official.seg.model, dataset: official.seg.dataset } };
  if (ort) {
    await ort.prepareMultiTask(demo.multiTask);
    models.poseNetwork = await ort.runner(official.pose?.model ?? demo.pose);
    if (official.seg) models.segNetwork = await ort.runner(official.seg.model);
  }
  return models;
}

/** What runs the networks, for the status line. */
function engineText(): string {
  return ort ? `${ort.describe()} (pre/post-processing on TF.js ${state.backend})` : `TF.js ${state.backend}`;
}

/** Publishes the engine in the page and to tests. */
function showEngine(): void {
  state.engine = ort ? 'onnxruntime-web' : 'tfjs';
  state.executionProvider = ort?.executionProvider ?? null;
  state.ortThreads = ort?.threads ?? null;
  ui.activeEngine.textContent = ort ? ort.describe() : 'TF.js';
  ui.engine.value = ort ? `ort-${ort.executionProvider}` : 'tfjs';
}

/** Runs the checked tasks on the current image and shows the overlay and record. */
async function run(): Promise<void> {
  if (!image) return;
  setStatus('running', `Running on ${image.name} (${engineText()})…`);
  try {
    const tasks = { detect: ui.taskDetect.checked, pose: ui.taskPose.checked, segment: ui.taskSegment.checked };
    const models = await pageModels();
    showEngine();
    const { result, palette, officialSegMs } = await runPage(models, image.rgb, tasks);
    putOnCanvas(ui.canvas, composeOverlay(result, palette));
    const record = resultRecord(image.name, result);
    showRecord(record);
    const people = result.detections.filter((d) => d.label === 'person').length;
    const seg = officialSegMs ? ` + ${Math.round(officialSegMs)} ms segmentation` : '';
    ui.summary.textContent =
      `${image.name} ${result.image.width}×${result.image.height}: ${result.detections.length} detections (${people} people), ` +
      `${result.poses.length} poses; ${record.timingsMs.sharedBackbonePass} ms shared pass + ${record.timingsMs.pose} ms pose${seg} on ${engineText()}.`;
    setStatus('done', `Done: ${image.name} on ${engineText()}.`);
  } finally {
    state.tensors = tf.memory().numTensors;
    state.runs++;
  }
}

/** Frees the models' compiled tensors (they live on one backend and are rebuilt on the next run). */
function disposeCompiled(): void {
  demo?.multiTask.dispose();
  demo?.pose.dispose();
  official.pose?.model.dispose();
  official.seg?.model.dispose();
}

async function useBackendNamed(name: WebBackend): Promise<void> {
  setStatus('loading', `Starting the ${name} backend…`);
  disposeCompiled();
  try {
    state.backend = await switchBackend(name);
  } finally {
    // A failed switch leaves TF.js on what it had: show what is really active.
    state.backend = tf.getBackend() ?? 'none';
    ui.activeBackend.textContent = state.backend;
    if (availableBackends().includes(state.backend as WebBackend)) ui.backend.value = state.backend;
  }
}

/**
 * Switches what runs the networks. onnxruntime-web opens the current models' sessions right away,
 * so a provider that cannot start (e.g. webgpu without an adapter) fails here and the page stays
 * on the engine it had.
 */
async function useEngineNamed(name: WebEngine): Promise<void> {
  setStatus('loading', `Starting ${ENGINE_LABELS[name]}…`);
  const previous = ort;
  try {
    // One engine owns the models' sessions at a time (the previous one reopens its own if it comes back).
    await previous?.dispose();
    ort = null;
    if (name !== 'tfjs') {
      const next = await OrtEngine.start(name === 'ort-webgpu' ? 'webgpu' : 'wasm');
      ort = next;
      try {
        await pageModels();
      } catch (error) {
        await next.dispose();
        ort = previous;
        throw error;
      }
    }
  } finally {
    showEngine();
  }
}

/** A model leaves the page: its onnxruntime-web sessions and compiled tensors go. */
async function dropModel(model: TaskModel): Promise<void> {
  await ort?.forget(model);
  model.dispose();
}

async function loadImage(name: string, bytes: Uint8Array): Promise<void> {
  // Our own decoder (not the canvas): the same pixels as Node, no colour management.
  image = { name, rgb: await decodeImage(bytes) };
  putOnCanvas(ui.canvas, image.rgb);
}

async function loadCheckpoint(files: File[]): Promise<void> {
  setStatus('loading', `Reading ${files.map((f) => f.name).join(', ')}…`);
  const { name, checkpoint } = await readDroppedCheckpoint(await Promise.all(files.map(readDroppedFile)));
  const loaded = modelFromStateDict(checkpoint.stateDict, name);
  const replaced = official[loaded.kind]?.model;
  if (replaced) await dropModel(replaced);
  if (loaded.kind === 'pose') official.pose = loaded;
  else official.seg = loaded;
  describeWeights();
  setStatus('ready', `Loaded ${name}.`);
}

function describeWeights(): void {
  const parts = [official.pose?.description, official.seg?.description].filter(Boolean);
  ui.weightsInfo.textContent = parts.length ? `${parts.join('; ')}; everything else: demo weights` : 'demo weights';
}

async function start(): Promise<void> {
  tf.enableProdMode();
  for (const s of SAMPLES) ui.sample.add(new Option(s.file, s.url));
  for (const b of availableBackends()) ui.backend.add(new Option(b, b));
  for (const e of availableEngines()) ui.engine.add(new Option(ENGINE_LABELS[e], e));
  showEngine();
  await useBackendNamed('wasm');
  setStatus('loading', 'Downloading the demo weights…');
  const bytes = await fetchAllWithProgress(DEMO_WEIGHT_URLS, (loaded, total) => showProgress('Downloading the demo weights', loaded, total));
  demo = loadDemoModels(bytes);
  installForwardHook(() => ({ demo, pose: official.pose?.model, ort }));
  setStatus('ready', 'Demo weights loaded.');
  await loadImage(SAMPLES[0].file, await fetchWithProgress(SAMPLES[0].url));
  await run();
}

function wire(): void {
  // A file dropped outside the drop zones would make the browser open it instead of the page.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (event) => event.preventDefault());
  ui.sample.addEventListener('change', () => {
    const option = ui.sample.selectedOptions[0];
    enqueue(`Loading ${option.text}`, async () => {
      await loadImage(option.text, await fetchWithProgress(option.value));
      await run();
    });
  });
  const pickImage = (file: File) =>
    enqueue(`Reading the image ${file.name}`, async () => {
      await loadImage(file.name, (await readDroppedFile(file)).bytes);
      await run();
    });
  ui.imageFile.addEventListener('change', () => {
    const file = ui.imageFile.files?.[0];
    // Cleared, so choosing the same file again is a change too.
    ui.imageFile.value = '';
    if (file) pickImage(file);
  });
  acceptDrops(ui.imageDrop, (files) => pickImage(files[0]));
  const pickCheckpoint = (files: File[]) =>
    enqueue('Loading the checkpoint', async () => {
      await loadCheckpoint(files);
      await run();
    });
  ui.checkpointFile.addEventListener('change', () => {
    const files = Array.from(ui.checkpointFile.files ?? []);
    ui.checkpointFile.value = '';
    if (files.length) pickCheckpoint(files);
  });
  acceptDrops(ui.checkpointDrop, pickCheckpoint);
  ui.useDemoWeights.addEventListener('click', () =>
    enqueue('Switching to the demo weights', async () => {
      for (const m of [official.pose?.model, official.seg?.model]) if (m) await dropModel(m);
      delete official.pose;
      delete official.seg;
      describeWeights();
      await run();
    }),
  );
  ui.backend.addEventListener('change', () => {
    const name = ui.backend.value as WebBackend;
    enqueue(`Switching to the ${name} backend`, async () => {
      await useBackendNamed(name);
      await run();
    });
  });
  ui.engine.addEventListener('change', () => {
    const name = ui.engine.value as WebEngine;
    enqueue(`Switching to ${ENGINE_LABELS[name]}`, async () => {
      await useEngineNamed(name);
      await run();
    });
  });
  for (const box of [ui.taskDetect, ui.taskPose, ui.taskSegment]) box.addEventListener('change', () => enqueue('Running', run));
  ui.run.addEventListener('click', () => enqueue('Running', run));
}

wire();
enqueue('Starting the playground', start);
