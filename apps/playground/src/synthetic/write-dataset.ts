/**
 * Writes a synthetic dataset to disk:
 *   <outDir>/images/000001.png     the scene (RGB)
 *   <outDir>/semantic/000001.png   class id per pixel in R = G = B (0 background, 1 person, 2 ball, 3 box, 4 kite)
 *   <outDir>/instances/000001.png  instance id per pixel as R + 256·G (= `instance_id` of the annotation)
 *   <outDir>/preview/000001.png    with --preview: boxes and keypoints drawn over the scene
 *   <outDir>/gt.json               COCO ground truth (person keypoints, boxes, areas, RLE masks)
 *
 * Usage: pnpm --filter @hrnetjs/playground exec tsx src/synthetic/write-dataset.ts <outDir> <count>
 *          [--seed <seedBase>=0] [--size <W>x<H>=256x256] [--preview]
 * (`pnpm --filter … exec` runs in apps/playground: a relative <outDir> lands there; pass an absolute path
 * to write elsewhere.) Scene i has seed <seedBase> + i, so any image can be regenerated alone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { boxFromXywh, type CocoAnnotation, type CocoImage } from '@hrnetjs/core';
import { writePngFile } from '@hrnetjs/core/node';
import { COCO_DATASET, drawPoses } from '@hrnetjs/pose-head';
import { datasetJson, iterateDataset } from './dataset.js';
import { hashJson, hashScene } from './hash.js';
import { instanceLabelImage, semanticLabelImage } from './labels.js';

function usage(message: string): never {
  console.error(`${message}\nusage: write-dataset.ts <outDir> <count> [--seed <seedBase>] [--size <W>x<H>] [--preview]`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const positional: string[] = [];
  let seedBase = 0;
  let [width, height] = [256, 256];
  let preview = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--seed') seedBase = Number(argv[++i]);
    else if (arg === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(argv[++i] ?? '');
      if (!m) usage(`--size expects <W>x<H>, e.g. 256x256, got ${argv[i]}`);
      [width, height] = [Number(m[1]), Number(m[2])];
    } else if (arg === '--preview') preview = true;
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) usage('expected <outDir> and <count>');
  const outDir = resolve(positional[0]);
  const count = Number(positional[1]);
  if (!Number.isInteger(count) || count < 1) usage(`<count> must be a positive integer, got ${positional[1]}`);
  if (!Number.isInteger(seedBase) || seedBase < 0) usage(`--seed must be a non-negative integer, got ${seedBase}`);

  const dirs = ['images', 'semantic', 'instances', ...(preview ? ['preview'] : [])];
  for (const dir of dirs) await mkdir(join(outDir, dir), { recursive: true });
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  const start = performance.now();
  let generateMs = 0;
  let pixelHash = 0;
  let t = performance.now();
  for (const { scene, image, annotations: anns } of iterateDataset(count, seedBase, { width, height })) {
    generateMs += performance.now() - t;
    images.push(image);
    annotations.push(...anns);
    pixelHash = (pixelHash * 31 + hashScene(scene)) >>> 0;
    await writePngFile(join(outDir, 'images', image.file_name), scene.image);
    await writePngFile(join(outDir, 'semantic', image.file_name), semanticLabelImage(scene.semanticMask, width, height));
    await writePngFile(join(outDir, 'instances', image.file_name), instanceLabelImage(scene.instanceMask, width, height));
    if (preview) await writePngFile(join(outDir, 'preview', image.file_name), drawAnnotations(scene.image, anns));
    t = performance.now();
  }
  const gt = datasetJson(images, annotations, seedBase);
  await writeFile(join(outDir, 'gt.json'), JSON.stringify(gt));
  const people = annotations.filter((a) => a.category_id === 1).length;
  console.log(
    `${count} scenes ${width}x${height} (seeds ${seedBase}…${seedBase + count - 1}) → ${outDir}\n` +
      `${annotations.length} annotations (${people} people); generation ${(generateMs / count).toFixed(1)} ms/scene, ` +
      `total ${((performance.now() - start) / 1000).toFixed(1)} s\npixels hash ${pixelHash.toString(16)}, gt.json hash ${hashJson(gt).toString(16)}`,
  );
}

/** Boxes and labelled keypoints (hidden ones as if low-scored, still drawn) over a copy of the scene. */
function drawAnnotations(image: Parameters<typeof drawPoses>[0], anns: CocoAnnotation[]) {
  const poses = anns.map((a) => ({
    box: boxFromXywh(a.bbox),
    keypoints: COCO_DATASET.keypoints.map((name, k) => ({
      name,
      x: a.keypoints?.[k * 3] ?? 0,
      y: a.keypoints?.[k * 3 + 1] ?? 0,
      score: (a.keypoints?.[k * 3 + 2] ?? 0) / 2,
    })),
  }));
  return drawPoses(image, poses, COCO_DATASET, { lineWidth: 1, radius: 1.5, minScore: 0.2 });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
