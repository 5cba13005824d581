/** The page's elements and the status shown to people (text, progress, errors) and to tests (data-status, window.__hrnet). */
import type { DemoRecord } from '../../src/demo-model/index.js';
import type { PlaygroundState } from './env.js';

/** Where the page is: what `document.body.dataset.status` says. */
export type Status = 'loading' | 'ready' | 'running' | 'done' | 'error';

function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no <${type.name}> #${id}; index.html and the script are out of step`);
  return found;
}

/** Every element the script uses, looked up once. */
export const ui = {
  sample: element('sample', HTMLSelectElement),
  imageFile: element('image-file', HTMLInputElement),
  imageDrop: element('image-drop', HTMLLabelElement),
  taskDetect: element('task-detect', HTMLInputElement),
  taskPose: element('task-pose', HTMLInputElement),
  taskSegment: element('task-segment', HTMLInputElement),
  weightsInfo: element('weights-info', HTMLParagraphElement),
  checkpointFile: element('checkpoint-file', HTMLInputElement),
  checkpointDrop: element('checkpoint-drop', HTMLLabelElement),
  useDemoWeights: element('use-demo-weights', HTMLButtonElement),
  backend: element('backend', HTMLSelectElement),
  activeBackend: element('active-backend', HTMLElement),
  engine: element('engine', HTMLSelectElement),
  activeEngine: element('active-engine', HTMLElement),
  run: element('run', HTMLButtonElement),
  statusText: element('status-text', HTMLParagraphElement),
  progress: element('progress', HTMLProgressElement),
  error: element('error', HTMLPreElement),
  canvas: element('canvas', HTMLCanvasElement),
  summary: element('summary', HTMLParagraphElement),
  record: element('record', HTMLPreElement),
};

/** The state tests read (see env.d.ts). */
export const state: PlaygroundState = {
  record: null,
  backend: '',
  runs: 0,
  error: null,
  tensors: 0,
  engine: 'tfjs',
  executionProvider: null,
  ortThreads: null,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
};
window.__hrnet = state;

/** Sets the status (data attribute + text) and clears the progress bar. */
export function setStatus(status: Status, text: string): void {
  document.body.dataset.status = status;
  ui.statusText.textContent = text;
  if (status !== 'loading') ui.progress.hidden = true;
}

/** Shows download progress: a bar when the size is known, else the bytes so far. */
export function showProgress(what: string, loaded: number, total: number | undefined): void {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  ui.progress.hidden = false;
  if (total) {
    ui.progress.max = total;
    ui.progress.value = loaded;
    ui.statusText.textContent = `${what}: ${Math.floor((100 * loaded) / total)}% (${mb(loaded)} of ${mb(total)} MB)`;
  } else {
    ui.progress.removeAttribute('value'); // an indeterminate bar
    ui.statusText.textContent = `${what}: ${mb(loaded)} MB`;
  }
}

/** Shows an error in the page (never thrown further) and sets status 'error'. */
export function showError(doing: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const text = `${doing}: ${message}`;
  state.error = text;
  ui.error.textContent = text;
  ui.error.hidden = false;
  setStatus('error', `Failed: ${doing.toLowerCase()}.`);
  console.error(error);
}

/** Hides the last error (a new action starts). */
export function clearError(): void {
  state.error = null;
  ui.error.hidden = true;
  ui.error.textContent = '';
}

/** Publishes a finished run's record in the JSON panel and to tests. */
export function showRecord(record: DemoRecord): void {
  state.record = record;
  ui.record.textContent = JSON.stringify(record, null, 2);
}

/** Calls `onFiles` with files dropped on `zone` (its file input handles picking). */
export function acceptDrops(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) onFiles(files);
  });
}
