/**
 * The web playground: pick a sample or drop an image, pick tasks, run the demo weights (or a
 * dropped official checkpoint) on the chosen backend, see the overlay and the result record.
 * Every action goes through one queue, so runs, backend switches and weight loads never overlap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, type RgbImage } from '@hrnetjs/core';
import { type DemoModels, loadDemoModels, resultRecord } from '../../src/demo-model/index.js';
import { DEMO_WEIGHT_URLS, SAMPLES } from './assets.js';
import { availableBackends, switchBackend, type WebBackend } from './backends.js';
import { readDroppedCheckpoint, readDroppedFile } from './checkpoint-files.js';
import { composeOverlay, putOnCanvas } from './draw.js';
import { fetchAllWithProgress, fetchWithProgress } from './load-weights.js';
import { modelFromStateDict, type OfficialModel } from './official-checkpoint.js';
import { type PageModels, runPage } from './pipeline.js';
import { acceptDrops, clearError, setStatus, showError, showProgress, showRecord, state, ui } from './ui.js';

let demo: DemoModels | null = null;
const official: { pose?: Extract<OfficialModel, { kind: 'pose' }>; seg?: Extract<OfficialModel, { kind: 'seg' }> } = {};
let image: { name: string; rgb: RgbImage } | null = null;

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

function pageModels(): PageModels {
  if (!demo) throw new Error('the demo weights are not loaded yet');
  return { demo, pose: official.pose?.model, seg: official.seg && { model: official.seg.model, dataset: official.seg.dataset } };
}

/** Runs the checked tasks on the current image and shows the overlay and record. */
async function run(): Promise<void> {
  if (!image) return;
  setStatus('running', `Running on ${image.name} (${state.backend})…`);
  try {
    const tasks = { detect: ui.taskDetect.checked, pose: ui.taskPose.checked, segment: ui.taskSegment.checked };
    const { result, palette, officialSegMs } = await runPage(pageModels(), image.rgb, tasks);
    putOnCanvas(ui.canvas, composeOverlay(result, palette));
    const record = resultRecord(image.name, result);
    showRecord(record);
    const people = result.detections.filter((d) => d.label === 'person').length;
    const seg = officialSegMs ? ` + ${Math.round(officialSegMs)} ms segmentation` : '';
    ui.summary.textContent =
      `${image.name} ${result.image.width}×${result.image.height}: ${result.detections.length} detections (${people} people), ` +
      `${result.poses.length} poses; ${record.timingsMs.sharedBackbonePass} ms shared pass + ${record.timingsMs.pose} ms pose${seg} on ${state.backend}.`;
    setStatus('done', `Done: ${image.name} on ${state.backend}.`);
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

async function loadImage(name: string, bytes: Uint8Array): Promise<void> {
  // Our own decoder (not the canvas): the same pixels as Node, no colour management.
  image = { name, rgb: await decodeImage(bytes) };
  putOnCanvas(ui.canvas, image.rgb);
}

async function loadCheckpoint(files: File[]): Promise<void> {
  setStatus('loading', `Reading ${files.map((f) => f.name).join(', ')}…`);
  const { name, checkpoint } = await readDroppedCheckpoint(await Promise.all(files.map(readDroppedFile)));
  const loaded = modelFromStateDict(checkpoint.stateDict, name);
  official[loaded.kind]?.model.dispose();
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
  await useBackendNamed('wasm');
  setStatus('loading', 'Downloading the demo weights…');
  const bytes = await fetchAllWithProgress(DEMO_WEIGHT_URLS, (loaded, total) => showProgress('Downloading the demo weights', loaded, total));
  demo = loadDemoModels(bytes);
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
      official.pose?.model.dispose();
      official.seg?.model.dispose();
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
  for (const box of [ui.taskDetect, ui.taskPose, ui.taskSegment]) box.addEventListener('change', () => enqueue('Running', run));
  ui.run.addEventListener('click', () => enqueue('Running', run));
}

wire();
enqueue('Starting the playground', start);
