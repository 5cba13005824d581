/**
 * Writes the demo's sample images (apps/playground/samples/*.png) from their seeds.
 * Usage: tsx --conditions=source apps/playground/src/demo-model/write-samples.ts [--preview <seed> <count>]
 * (--preview writes candidate scenes to /tmp/hrnet-samples to choose seeds from.)
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writePngFile } from '@hrnetjs/core/node';
import { generateScene } from '../synthetic/index.js';
import { samplesDir } from './paths.js';
import { DEMO_SAMPLES, sampleSceneOptions } from './samples.js';

const argv = process.argv.slice(2);
if (argv[0] === '--preview') {
  const [first, count] = [Number(argv[1]), Number(argv[2] ?? 8)];
  await mkdir('/tmp/hrnet-samples', { recursive: true });
  for (let s = first; s < first + count; s++) {
    const scene = generateScene(s, sampleSceneOptions({ file: '', seed: s, width: 384, height: 384 }));
    await writePngFile(join('/tmp/hrnet-samples', `${s}.png`), scene.image);
  }
} else {
  await mkdir(samplesDir(), { recursive: true });
  for (const sample of DEMO_SAMPLES) {
    const scene = generateScene(sample.seed, sampleSceneOptions(sample));
    await writePngFile(join(samplesDir(), sample.file), scene.image);
    console.log(`${sample.file}: seed ${sample.seed}, ${sample.width}×${sample.height}, ${scene.annotations.length} objects`);
  }
}
