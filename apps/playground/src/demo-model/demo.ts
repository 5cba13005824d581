/**
 * `pnpm demo`, the README's main command: the demo weights (trained by `pnpm train:demo` with our
 * own code) on the shipped sample images — detection → pose and segmentation from one shared
 * backbone pass — writing overlays and results.json to ./demo-output/; then the official-code
 * parity check (tools/oracle).
 * Usage: pnpm demo [--out <dir>] [--backend auto|wasm|cpu|…] [--weights <dir>] [images…]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '@hrnetjs/core';
import { readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { drawDetections } from '@hrnetjs/detection-head';
import { COCO_DATASET, drawPoses } from '@hrnetjs/pose-head';
import { overlay } from '@hrnetjs/seg-head';
import { DEMO_SEG_PALETTE } from './demo-config.js';
import { DEMO_WEIGHT_FILES, loadDemoModels } from './demo-models.js';
import { runDemo } from './demo-pipeline.js';
import { resultRecord } from './demo-record.js';
import { runOracleParity } from './oracle-parity.js';
import { defaultWeightsDir, samplesDir } from './paths.js';
import { DEMO_SAMPLES } from './samples.js';

async function main(argv: string[]): Promise<void> {
  let out = join(process.env.INIT_CWD ?? process.cwd(), 'demo-output');
  let backend: BackendName = 'auto';
  let weights = defaultWeightsDir();
  const images: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i] ?? '.');
    else if (argv[i] === '--backend') backend = argv[++i] as BackendName;
    else if (argv[i] === '--weights') weights = resolve(argv[++i] ?? '.');
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}; usage: pnpm demo [--out <dir>] [--backend <name>] [--weights <dir>] [images…]`);
    else images.push(resolve(process.env.INIT_CWD ?? process.cwd(), argv[i]));
  }
  if (images.length === 0) images.push(...DEMO_SAMPLES.map((s) => join(samplesDir(), s.file)));
  tf.enableProdMode();
  const info = await useBackend(backend);
  const start = performance.now();
  const models = loadDemoModels({
    multiTask: await readFile(join(weights, DEMO_WEIGHT_FILES.multiTask)),
    pose: await readFile(join(weights, DEMO_WEIGHT_FILES.pose)),
  });
  console.log(`HRNet.js demo — backend ${info.name}; demo weights from ${weights} (trained by pnpm train:demo)\n`);
  await mkdir(out, { recursive: true });
  const records = [];
  for (const path of images) {
    const name = basename(path, extname(path));
    const image = await readImageFile(path);
    const result = await runDemo(models, image);
    const boxes = drawDetections(result.image, result.detections.filter((d) => d.label !== 'person'));
    await writePngFile(join(out, `${name}.pose.png`), drawPoses(boxes, result.poses, COCO_DATASET));
    if (result.segmentation) await writePngFile(join(out, `${name}.segmentation.png`), overlay(result.image, result.segmentation, DEMO_SEG_PALETTE, 0.55));
    const record = resultRecord(basename(path), result);
    records.push(record);
    const objects = result.detections.filter((d) => d.label !== 'person').map((d) => `${d.label} ${d.score.toFixed(2)}`);
    const people = result.detections.filter((d) => d.label === 'person').length;
    const seg = Object.entries(record.segmentation ?? {}).filter(([c]) => c !== 'background').map(([c, pct]) => `${c} ${pct}%`);
    const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    console.log(`${basename(path)} ${image.width}×${image.height}: ${count(people, 'person', 'people')} → ${count(result.poses.length, 'pose', 'poses')}; ${objects.length ? objects.join(', ') : 'no other objects'}`);
    console.log(`  segmentation: ${seg.join(', ')}; ${record.timingsMs.sharedBackbonePass} ms shared pass + ${record.timingsMs.pose} ms pose`);
  }
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ backend: info.name, images: records }, null, 2)}\n`);
  console.log(`\nwrote ${records.length} × (<name>.pose.png, <name>.segmentation.png) and results.json to ${out} in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  const ok = await runOracleParity(out, info.name);
  if (!ok) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`demo: ${error.message}`);
  process.exitCode = 1;
});
