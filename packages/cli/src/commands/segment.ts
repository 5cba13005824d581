import type { BackendName, NetworkRunner } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, useBackend, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { colorize, createSegmenter, overlay } from '@hrnetjs/seg-head';
import { segmentImage } from '../batch/tasks.js';
import { isBatchCall, runLocalBatch } from '../batch/run-local.js';
import { CliError } from '../cli-error.js';
import { onnxNetwork, resolveEngine } from '../engine.js';
import { userPath } from '../paths.js';
import { segConfig, segmentOptionsFromFlags } from '../seg-options.js';
import type { CommandContext } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
/**
 * `hrnet segment <image> --weights <file> [--config …] [--scales …] [--flip|--no-flip] [--labels out.png]
 * [--out overlay.png] [--npy labels.npy] [--alpha a] [--base-size n] [--crop-size w,h] [--backend b]`:
 * the official test path on one image; prints the share of each predicted class.
 */
export async function segmentCommand(ctx: CommandContext): Promise<void> {
  if (await isBatchCall(ctx)) return runLocalBatch('segment', ctx);
  const { options, positionals, stdout, stderr } = ctx;
  const [imagePath] = positionals;
  if (!imagePath || positionals.length > 1) throw new CliError('segment takes exactly one image path (PNG or JPEG)');
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const alpha = Number(options.string('alpha') ?? '0.5');
  if (!(alpha >= 0 && alpha <= 1)) throw new CliError(`--alpha must be a number in [0, 1]; got '${options.string('alpha')}'`);
  const segmentOptions = segmentOptionsFromFlags(options);
  const weights = options.required('weights');
  const { stateDict } = await readCheckpointFile(userPath(weights));
  const config = await segConfig(options, stderr, stateDict, weights);
  const image = await readImageFile(userPath(imagePath));

  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  stderr(`backend: ${info.name}; engine: ${choice.engine}`);
  const segmenter = await createSegmenter({ weights: stateDict, config }, segmentOptions);
  let release = async () => {};
  try {
    let network: NetworkRunner | undefined;
    if (choice.engine === 'onnxruntime') ({ run: network, release } = await onnxNetwork(choice, segmenter.model));
    const result = await segmentImage(segmenter, image, { network });
    const s = result.settings;
    stderr(
      `${result.width}×${result.height}, ${s.numClasses} classes, scales ${s.scales.join(',')}, flip ${s.flip ? 'on' : 'off'}, ` +
        `base ${s.baseSize}, crop ${s.cropSize[1]}×${s.cropSize[0]} (w×h), ${s.multiScaleMode} windows, test resize ${s.testResize.kind}` +
        `${config.head.type === 'seg' && config.head.ocr ? ', HRNet-OCR (cls_head output)' : ''}`,
    );
    const npy = options.string('npy');
    if (npy) await writeNpyFile(userPath(npy), { dtype: 'int32', shape: [result.height, result.width], values: result.labels });
    const labelsPng = options.string('labels');
    if (labelsPng) await writePngFile(userPath(labelsPng), colorize(result, result.palette));
    const out = options.string('out');
    if (out) await writePngFile(userPath(out), overlay(image, result, result.palette, alpha));

    const counts = new Map<number, number>();
    for (const l of result.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    for (const [label, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      stdout(`${String(label).padStart(3)}  ${((100 * n) / result.labels.length).toFixed(2).padStart(6)}%  ${result.classes[label]}`);
    }
  } finally {
    await release();
    segmenter.dispose();
  }
}
