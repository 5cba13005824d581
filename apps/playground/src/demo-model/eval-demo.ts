/**
 * `pnpm eval:demo`: quality of the shipped demo weights on held-out synthetic scenes (seeds from
 * 1 000 000; training used seeds below 1 000 000), with our own COCO and mIoU evaluators.
 *
 * Usage: pnpm eval:demo [--images N=100] [--weights <dir>] [--json]
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { useBackend } from '@hrnetjs/core/node';
import { EVAL_SEED_BASE } from './demo-config.js';
import { DEMO_WEIGHT_FILES, loadDemoModels } from './demo-models.js';
import { defaultWeightsDir } from './paths.js';
import { evaluateDemo } from './evaluate-demo.js';

async function main(argv: string[]): Promise<void> {
  let images = 100;
  let weights = defaultWeightsDir();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--images') {
      images = Number(argv[++i]);
      if (!Number.isInteger(images) || images < 1) throw new Error(`--images must be a positive integer, got ${argv[i]}`);
    } else if (a === '--weights') weights = resolve(argv[++i] ?? '.');
    else if (a === '--json') json = true;
    else throw new Error(`unknown option ${a}; usage: eval:demo [--images N] [--weights <dir>] [--json]`);
  }
  await useBackend('wasm');
  const models = loadDemoModels({
    multiTask: await readFile(join(weights, DEMO_WEIGHT_FILES.multiTask)),
    pose: await readFile(join(weights, DEMO_WEIGHT_FILES.pose)),
  });
  const start = performance.now();
  const q = await evaluateDemo(models, images, EVAL_SEED_BASE, (done) => {
    if (!json && process.stderr.isTTY) process.stderr.write(`\r${done}/${images} images`);
  });
  if (!json && process.stderr.isTTY) process.stderr.write('\n');
  if (json) {
    console.log(JSON.stringify(q, null, 2));
    return;
  }
  const pct = (v: number) => v.toFixed(3);
  console.log(`HRNet.js demo weights on ${q.images} held-out synthetic scenes (seeds ${EVAL_SEED_BASE}…${EVAL_SEED_BASE + images - 1}), wasm:`);
  console.log(`  box AP        ${pct(q.boxAp)}   (AP50 ${pct(q.boxAp50)})   Faster R-CNN, person/ball/box/kite`);
  console.log(`  keypoint AP   ${pct(q.keypointAp)}   (AP50 ${pct(q.keypointAp50)})   people from the detector → top-down pose`);
  console.log(`  keypoint AP   ${pct(q.keypointApGtBoxes)}   with ground-truth person boxes`);
  console.log(`  mIoU          ${pct(q.mIoU)}   (${Object.entries(q.classIoU).map(([k, v]) => `${k} ${pct(v)}`).join(', ')})`);
  console.log(`  ${q.meanMs.shared.toFixed(0)} ms/image shared backbone pass + ${q.meanMs.pose.toFixed(0)} ms pose; ${((performance.now() - start) / 1000).toFixed(0)} s in all`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`eval:demo: ${error.message}`);
    process.exit(1);
  },
);
