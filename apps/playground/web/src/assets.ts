/** URLs of the files the page ships: the sample images and the demo weights (Vite emits them as assets). */
import { DEMO_SAMPLES } from '../../src/demo-model/index.js';
import demoMultiTask from '../../weights/demo-multitask.safetensors?url';
import demoPose from '../../weights/demo-pose.safetensors?url';

// Keyed by the path relative to this file, e.g. '../../samples/sample-1.png'.
const sampleUrls = import.meta.glob<string>('../../samples/*.png', { query: '?url', import: 'default', eager: true });

/** The shipped samples (DEMO_SAMPLES order) with their served URLs. */
export const SAMPLES: ReadonlyArray<{ file: string; url: string }> = DEMO_SAMPLES.map((s) => {
  const url = sampleUrls[`../../samples/${s.file}`];
  if (!url) throw new Error(`sample ${s.file} is missing from apps/playground/samples (run write-samples)`);
  return { file: s.file, url };
});

/** The demo weights (the files named by DEMO_WEIGHT_FILES), for `loadDemoModels`. */
export const DEMO_WEIGHT_URLS = { multiTask: demoMultiTask, pose: demoPose } as const;
