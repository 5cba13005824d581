import { writeFile } from 'node:fs/promises';
import type { BackendName } from '@hrnetjs/core';
import { readImageFile, useBackend, writePngFile } from '@hrnetjs/core/node';
import { detectorKind, drawDetections } from '@hrnetjs/detection-head';
import { detectFileText, detectImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { resolveEngine, useEngineForDetector } from '../engine.js';
import { loadDetector } from '../load-detector.js';
import { userPath } from '../paths.js';
import type { CommandContext, Options } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
function parseNumber(options: Options, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const raw = options.string(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!check(v)) throw new CliError(`--${name} must be ${what}; got '${raw}'`);
  return v;
}

function maskPixels(data: Uint8Array): number {
  let n = 0;
  for (const v of data) n += v;
  return n;
}

/** A detection for the JSON output: the mask as COCO RLE (`{size: [h, w], counts}`), never the bitmap. */
/**
 * `hrnet detect <image> --weights f [--weights f]… [--config c] [--json out.json] [--out overlay.png]
 * [--score-threshold t] [--classes a,b] [--max-detections n] [--backend b]`: mmdet's test pipeline
 * and a detector (Faster / Mask / Cascade (Mask) R-CNN, FCOS) on one image; prints one line per
 * detection. Mask models add `mask` (COCO RLE) to each JSON detection and fill the masks in `--out`.
 */
export async function detectCommand(ctx: CommandContext): Promise<void> {
  if (await isBatchCall(ctx)) return runLocalBatch('detect', ctx);
  const { options, positionals, stdout, stderr } = ctx;
  if (positionals.length !== 1) throw new CliError(`detect takes one image path, got ${positionals.length}`);
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const scoreThreshold = parseNumber(options, 'score-threshold', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const maxDetections = parseNumber(options, 'max-detections', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  const classes = options.string('classes')?.split(',').map((c) => (/^\d+$/.test(c.trim()) ? Number(c) : c.trim()));

  const image = await readImageFile(userPath(positionals[0]));
  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  const detector = await loadDetector(options, options.strings('weights'));
  const { config } = detector.model;
  const kind = config.head.type === 'mmdet' ? detectorKind(config.head.detector) : undefined;

  try {
    const engine = await useEngineForDetector(choice, detector.model);
    stderr(`backend: ${info.name}; engine: ${engine}; model: ${config.name} (${kind})`);
    const detections = await detectImage(detector, image, { scoreThreshold, maxDetections, classes });
    for (const d of detections) {
      const { xmin, ymin, xmax, ymax } = d.box;
      const mask = d.mask ? ` mask ${maskPixels(d.mask.data)} px` : '';
      stdout(`${d.label} (${d.labelId}) ${d.score.toFixed(4)} [${[xmin, ymin, xmax, ymax].map((v) => v.toFixed(1)).join(', ')}]${mask}`);
    }
    const json = options.string('json');
    if (json) await writeFile(userPath(json), detectFileText(detections));
    const overlay = options.string('out');
    if (overlay) await writePngFile(userPath(overlay), drawDetections(image, detections));
    stderr(`${detections.length} detections`);
  } finally {
    await detector.model.releaseOnnx();
    detector.dispose();
  }
}
