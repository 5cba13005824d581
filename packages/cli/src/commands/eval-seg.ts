import { readdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readImageFile, readNpyFile } from '@hrnetjs/core/node';
import {
  accumulateConfusion,
  convertCityscapesLabel,
  createConfusionMatrix,
  getSegDataset,
  type SegMetrics,
  segMetrics,
} from '@hrnetjs/seg-head';
import { CliError } from '../cli-error.js';
import { userPath } from '../paths.js';
import type { CommandContext } from './command.js';

interface LabelFile {
  labels: ArrayLike<number>;
  width: number;
  height: number;
}

/** A label map from a greyscale PNG (grey value = label) or an integer .npy [H, W] / [1, H, W]. */
export async function readLabelFile(path: string): Promise<LabelFile> {
  if (extname(path).toLowerCase() === '.npy') {
    const t = await readNpyFile(path);
    const shape = t.shape.length === 3 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
    if (shape.length !== 2 || !/^u?int/.test(t.dtype)) {
      throw new CliError(`${path}: expected an integer label array [H, W] or [1, H, W], got ${t.dtype} [${t.shape.join(', ')}]`);
    }
    return { labels: Array.from(t.values as ArrayLike<number | bigint>, Number), width: shape[1], height: shape[0] };
  }
  const image = await readImageFile(path);
  const labels = new Uint8Array(image.width * image.height);
  for (let p = 0; p < labels.length; p++) {
    const [r, g, b] = [image.data[p * 3], image.data[p * 3 + 1], image.data[p * 3 + 2]];
    if (r !== g || g !== b) {
      throw new CliError(
        `${path}: pixel (${p % image.width}, ${Math.floor(p / image.width)}) is a colour (${r}, ${g}, ${b}); ` +
          'expected a greyscale label PNG whose grey values are the class ids (not a colourised label image)',
      );
    }
    labels[p] = r;
  }
  return { labels, width: image.width, height: image.height };
}

const stem = (file: string) => basename(file, extname(file));

async function listFiles(dir: string, extensions: string[], flag: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new CliError(`${flag} folder not found or unreadable: ${dir}`);
  }
  const files = names.filter((n) => extensions.includes(extname(n).toLowerCase())).sort();
  if (files.length === 0) throw new CliError(`${flag} folder ${dir} holds no ${extensions.join(' / ')} files`);
  return files;
}

function parseInteger(text: string | undefined, flag: string, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new CliError(`${flag} is required`);
    return fallback;
  }
  const n = Number(text);
  if (!Number.isInteger(n)) throw new CliError(`${flag} must be an integer; got '${text}'`);
  return n;
}

/**
 * `hrnet eval-seg --pred <dir> --gt <dir> --classes N [--ignore 255] [--dataset d] [--cityscapes-ids]
 * [--json out.json]`: testval's metrics over prediction / ground-truth pairs matched by file stem.
 */
export async function evalSegCommand({ options, stdout, stderr }: CommandContext): Promise<void> {
  const predDir = userPath(options.required('pred'));
  const gtDir = userPath(options.required('gt'));
  const numClasses = parseInteger(options.string('classes'), '--classes');
  if (numClasses < 1) throw new CliError(`--classes must be a positive integer; got ${numClasses}`);
  const ignore = parseInteger(options.string('ignore'), '--ignore', 255);
  const datasetName = options.string('dataset');
  const names = datasetName ? getSegDataset(datasetName).classes : undefined;
  if (names && names.length !== numClasses) throw new CliError(`--dataset ${datasetName} has ${names.length} classes but --classes is ${numClasses}`);

  const gts = await listFiles(gtDir, ['.png'], '--gt');
  const preds = new Map((await listFiles(predDir, ['.png', '.npy'], '--pred')).map((f) => [stem(f), f]));
  const missing = gts.filter((g) => !preds.has(stem(g)));
  if (missing.length) throw new CliError(`no prediction for ${missing.length} ground-truth file(s) in ${predDir}, e.g. ${stem(missing[0])}.png or .npy`);

  const matrix = createConfusionMatrix(numClasses);
  for (const g of gts) {
    const gt = await readLabelFile(join(gtDir, g));
    const pred = await readLabelFile(join(predDir, preds.get(stem(g)) as string));
    if (gt.width !== pred.width || gt.height !== pred.height) {
      throw new CliError(`${stem(g)}: prediction is ${pred.width}×${pred.height} but the ground truth is ${gt.width}×${gt.height}`);
    }
    const labels = options.flag('cityscapes-ids') ? convertCityscapesLabel(gt.labels, false, ignore) : gt.labels;
    accumulateConfusion(matrix, labels, pred.labels, ignore);
  }
  if (matrix.skipped) stderr(`warning: ${matrix.skipped} pixels had labels outside 0..${numClasses - 1} (and not --ignore ${ignore}) and were not counted`);

  const metrics: SegMetrics = segMetrics(matrix);
  const className = (k: number) => names?.[k] ?? `class ${k}`;
  stdout(`images: ${gts.length}`);
  metrics.iou.forEach((iou, k) => stdout(`${String(k).padStart(3)}  IoU ${(100 * iou).toFixed(2).padStart(6)}  ${className(k)}`));
  stdout(`mIoU ${(100 * metrics.meanIoU).toFixed(2)}  pixel acc ${(100 * metrics.pixelAccuracy).toFixed(2)}  mean acc ${(100 * metrics.meanAccuracy).toFixed(2)}`);
  const json = options.string('json');
  if (json) {
    const report = { images: gts.length, numClasses, ignoreLabel: ignore, classes: metrics.iou.map((_, k) => className(k)), ...metrics, confusion: Array.from(matrix.counts), skipped: matrix.skipped };
    await writeFile(userPath(json), `${JSON.stringify(report, null, 1)}\n`);
  }
}
