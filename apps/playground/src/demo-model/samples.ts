/**
 * The sample images shipped with the playground: held-out synthetic scenes (seeds far from the
 * training and evaluation ranges) at twice the training size, so the demo also shows the
 * detector's resize and the pose crops at full resolution. `write-samples.ts` regenerates them.
 */
import { DEMO_SCENE } from './demo-config.js';

export interface DemoSample {
  file: string;
  seed: number;
  width: number;
  height: number;
}

export const DEMO_SAMPLES: readonly DemoSample[] = [
  { file: 'sample-1.png', seed: 2_000_000, width: 384, height: 384 },
  { file: 'sample-2.png', seed: 2_000_009, width: 384, height: 384 },
  { file: 'sample-3.png', seed: 2_000_016, width: 384, height: 384 },
];

/** Scene options of a sample: the training scene's content limits, person sizes scaled to the sample. */
export function sampleSceneOptions(sample: DemoSample) {
  const k = Math.min(sample.width, sample.height) / Math.min(DEMO_SCENE.width, DEMO_SCENE.height);
  return { ...DEMO_SCENE, width: sample.width, height: sample.height, minPersonHeight: (DEMO_SCENE.minPersonHeight ?? 40) * k };
}
