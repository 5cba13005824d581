/**
 * One run of the page: the demo pipeline (`runDemo`, exactly what `pnpm demo` runs), with the
 * pose model and/or the segmentation swapped for a dropped official checkpoint.
 */
import type { NetworkRunner, RgbImage } from '@hrnetjs/core';
import type { PoseModel } from '@hrnetjs/pose-head';
import type { SegDatasetId, SegModel } from '@hrnetjs/seg-head';
import { segment } from '@hrnetjs/seg-head/ops';
import { DEMO_SEG_PALETTE, type DemoModels, type DemoResult, type DemoSegmentation, runDemo } from '../../src/demo-model/index.js';
import type { SegPalette } from './draw.js';

/** Which tasks to run. */
export interface Tasks {
  detect: boolean;
  pose: boolean;
  segment: boolean;
}

/**
 * The models of a run: the demo pair, optionally overridden by dropped checkpoints. With
 * onnxruntime-web the multi-task model carries its sessions (`useOnnx`) and the pose / dropped
 * segmentation networks come as runners; without them TF.js runs the networks.
 */
export interface PageModels {
  demo: DemoModels;
  pose?: PoseModel;
  seg?: { model: SegModel; dataset: SegDatasetId | null };
  /** Runs the pose network in use (`pose`, else the demo's). */
  poseNetwork?: NetworkRunner;
  /** Runs the dropped segmentation model's network. */
  segNetwork?: NetworkRunner;
}

/** A run's result and the palette its segmentation is drawn with. */
export interface PageRun {
  result: DemoResult;
  palette: SegPalette;
  /** Milliseconds the dropped segmentation model took (0 without one). */
  officialSegMs: number;
}

/** Runs the chosen tasks on one image; every tensor is disposed by the pipelines. */
export async function runPage(models: PageModels, image: RgbImage, tasks: Tasks): Promise<PageRun> {
  const demo = { multiTask: models.demo.multiTask, pose: models.pose ?? models.demo.pose, poseNetwork: models.poseNetwork };
  const result = await runDemo(demo, image, { tasks: { ...tasks, segment: tasks.segment && !models.seg } });
  if (!tasks.segment || !models.seg) return { result, palette: DEMO_SEG_PALETTE, officialSegMs: 0 };
  const t0 = performance.now();
  // The official test size (long side 2048) would upsample a small image several times over:
  // far too slow in a browser, so the image is segmented at its own size in one window.
  const seg = await segment(models.seg.model, image, {
    dataset: models.seg.dataset ?? undefined,
    baseSize: Math.max(image.width, image.height),
    cropSize: [image.height, image.width],
    network: models.segNetwork,
  });
  return { result: { ...result, segmentation: toDemoSegmentation(seg) }, palette: seg.palette, officialSegMs: performance.now() - t0 };
}

/** `segment`'s labels in the demo's record form (pixel counts per class). */
function toDemoSegmentation(seg: { labels: Int32Array; width: number; height: number; classes: readonly string[] }): DemoSegmentation {
  if (seg.classes.length > 256) throw new Error(`the segmentation model has ${seg.classes.length} classes; the page shows at most 256`);
  const counts = new Array<number>(seg.classes.length).fill(0);
  for (const v of seg.labels) counts[v]++;
  return { width: seg.width, height: seg.height, labels: Uint8Array.from(seg.labels), classes: seg.classes, counts };
}
