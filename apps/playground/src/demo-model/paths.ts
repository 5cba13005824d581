/** Where the demo's files live in the repository (Node only). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** apps/playground */
export function playgroundDir(): string {
  return appDir;
}

/** apps/playground/weights: the shipped demo weights. */
export function defaultWeightsDir(): string {
  return join(appDir, 'weights');
}

/** apps/playground/samples: the shipped sample images. */
export function samplesDir(): string {
  return join(appDir, 'samples');
}
