#!/usr/bin/env node
import { type ParseArgsConfig, parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from './cli-error.js';
import { type CommandContext, Options } from './commands/command.js';
import { forwardCommand } from './commands/forward.js';
import { inspectCommand } from './commands/inspect.js';
import { evalBoxesCommand, evalMasksCommand } from './commands/eval-boxes.js';
import { evalKeypointsCommand } from './commands/eval-keypoints.js';
import { keysCommand } from './commands/keys.js';
import { poseCommand } from './commands/pose.js';
import { detectCommand } from './commands/detect.js';
import { evalSegCommand } from './commands/eval-seg.js';
import { segmentCommand } from './commands/segment.js';
import { convertCommand } from './commands/convert.js';
import { cliVersion, commandHelp, optionalPeersReport } from './help.js';
import { ENGINE_OPTIONS } from './engine.js';
import { BATCH_OPTIONS, QUEUE_OPTIONS, WORKER_OPTIONS } from './batch/options.js';
import { queueCommand } from './queue/command.js';
import { workerCommand } from './queue/worker.js';

const USAGE = `usage: hrnet <command> [options]        (hrnet --version; hrnet <command> --help)

commands:
  keys     --config <preset|file> [--family pose|seg|cls|mmdet] [--batch-norm standard|inplace-abn]
           print the model's state_dict as JSON [[key, shape], …] in PyTorch order
  forward  --config <preset|file> --weights <file> [--weights <file>]… --input <x.npy>
           --output-dir <dir> [--family …] [--batch-norm …] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu]
           run the network on an NCHW float32 .npy; write every named output as NCHW .npy
  inspect  <checkpoint> [--json]
           summarise a checkpoint and say which preset it fits
  pose     <image> --weights <file> [--config <preset|file>] [--box x,y,w,h]… [--no-flip] [--json out.json]
           [--out overlay.png] [--backend …] [--detector <file>… [--detector-config c] [--person-class person]]
           top-down keypoints as the official test code (one pose per box; whole image without --box;
           with --detector: Faster R-CNN person boxes, rescoring and OKS-NMS); model read from the weights without --config
           HigherHRNet weights, yaml or preset (higher-coco-w32-512 …) or --bottom-up: bottom-up test [--scales 2,1,0.5]
           [--results coco.json --image-id n] (COCO keypoint results for eval-keypoints)
  detect   <image> --weights <file> [--weights <file>]… [--config <preset|file>] [--json out.json]
           [--out overlay.png] [--score-threshold t] [--classes person,car|0,2] [--max-detections n] [--backend …]
           Faster / Mask / Cascade (Mask) R-CNN as mmdet 2.x (test pipeline, rescaled to the image; masks as
           COCO RLE in --json, filled in --out); preset inferred from the weights
  eval-keypoints --gt <gt.json> --results <results.json> [--json out.json] [--cat-ids 1]
           COCO keypoint AP/AR (OKS) exactly as pycocotools' COCOeval: the ten summarize() lines
  eval-boxes --gt <gt.json> --results <results.json> [--json out.json] [--cat-ids 1,18] [--iou-type bbox|segm]
           COCO box (or, with --iou-type segm, mask) AP/AR exactly as pycocotools' COCOeval: the twelve summarize() lines
  eval-masks --gt <gt.json> --results <results.json> [--json out.json] [--cat-ids 1,18]
           the same as eval-boxes --iou-type segm (results carry compressed-RLE segmentations)
  segment  <image> --weights <file> [--config <preset|file>] [--scales 0.75,1,1.25] [--flip|--no-flip]
           [--labels out.png] [--out overlay.png] [--npy labels.npy] [--alpha 0.5] [--base-size n]
           [--crop-size w,h] [--batch-norm …] [--backend …]
           semantic segmentation as the official test code (settings from the config's TEST section)
  eval-seg --pred <dir of label PNGs or .npy> --gt <dir of label PNGs> --classes N [--ignore 255]
           [--dataset cityscapes|ade20k|pascal_ctx|lip] [--cityscapes-ids] [--json out.json]
           per-class IoU, mIoU, pixel accuracy (files matched by name)
  convert  <checkpoint> --to safetensors|tfjs|onnx [--dtype float32|float16] [--out <file or dir>] [--config …]
           rewrite weights for the web: <name>.safetensors or <name>-tfjs/model.json + shards beside the input
           (same state-dict names; float16 halves the size; a converted file works as --weights everywhere);
           onnx: the whole network as <name>.onnx (input NHWC float32 [N, H, W, 3], BN folded, opset 17;
           pose, HigherHRNet (every output_i), seg, HRNet-OCR (aux and logits), cls; a two-stage detector also
           writes each RoI head network: <name>-roi-head.onnx (bbox head) and, with masks, <name>-mask-head.onnx;
           a cascade <name>-roi-head-<stage>.onnx / -mask-head-<stage>.onnx); model from --config (HigherHRNet:
           its yaml or preset) or read from the weights
engine options of forward, pose (top-down and HigherHRNet), detect, segment (HRNetV2 and HRNet-OCR):
  --engine tfjs|onnxruntime|auto   run the network on TF.js (default) or onnxruntime-node (auto: when installed)
  --ep cpu|webgpu|cuda             onnxruntime execution provider (default cpu)
  --threads n                      onnxruntime CPU threads (default: all cores)
  --ort-cache <dir>                keep the graph onnxruntime optimized for this CPU there and load it from
                                   there next time (CPU: under 2× the weights in memory, faster start)

many images (pose, detect, segment): give files, folders (recursive) or quoted globs and --out-dir
  pose|detect|segment <images, folders, 'globs'>… --out-dir <dir> [--jobs N] [--overlays] [--image-ids gt.json]
           [--seg-format png|npy] [--engine tfjs|onnxruntime] [--ort-cache <dir>] [task options]
           worker threads (default: all cores), one result file per image (atomic), re-run resumes,
           failures in errors.json (exit 1), coco_results.json for pose / detect; Ctrl-C stops cleanly (exit 130)
  queue    add <task> <images…> --redis <url> --out-dir <shared dir> [--queue hrnet] [--attempts 5] [--wait] [task options]
           one BullMQ job per image; --wait follows the set and writes errors.json / coco_results.json
           status --redis <url> [--queue hrnet] [--json]: job counts, workers, the latest failures
  worker   --redis <url> [--queue hrnet] [--jobs N] [--lock-ms 30000] [--stalled-ms 30000] [--redis-retry-s 60] [--ort-cache <dir>]
           run queued jobs on this machine (models from the jobs' settings; SIGTERM / Ctrl-C: finish, then exit)`;

const COMMANDS: Record<string, { run: (ctx: CommandContext) => Promise<void>; options: ParseArgsConfig['options'] }> = {
  keys: { run: keysCommand, options: { config: { type: 'string' }, family: { type: 'string' }, 'batch-norm': { type: 'string' } } },
  forward: {
    run: forwardCommand,
    options: {
      config: { type: 'string' },
      family: { type: 'string' },
      'batch-norm': { type: 'string' },
      weights: { type: 'string', multiple: true },
      input: { type: 'string' },
      'output-dir': { type: 'string' },
      backend: { type: 'string' },
      ...ENGINE_OPTIONS,
    },
  },
  inspect: { run: inspectCommand, options: { json: { type: 'boolean' } } },
  pose: {
    run: poseCommand,
    options: {
      config: { type: 'string' },
      weights: { type: 'string' },
      box: { type: 'string', multiple: true },
      detector: { type: 'string', multiple: true },
      'detector-config': { type: 'string' },
      'person-class': { type: 'string' },
      'batch-norm': { type: 'string' },
      'no-flip': { type: 'boolean' },
      json: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      'bottom-up': { type: 'boolean' },
      scales: { type: 'string' },
      results: { type: 'string' },
      'image-id': { type: 'string' },
      ...ENGINE_OPTIONS,
      ...BATCH_OPTIONS,
    },
  },
  detect: {
    run: detectCommand,
    options: {
      config: { type: 'string' },
      weights: { type: 'string', multiple: true },
      json: { type: 'string' },
      out: { type: 'string' },
      'score-threshold': { type: 'string' },
      classes: { type: 'string' },
      'max-detections': { type: 'string' },
      backend: { type: 'string' },
      ...ENGINE_OPTIONS,
      ...BATCH_OPTIONS,
    },
  },
  'eval-keypoints': {
    run: evalKeypointsCommand,
    options: { gt: { type: 'string' }, results: { type: 'string' }, json: { type: 'string' }, 'cat-ids': { type: 'string' } },
  },
  'eval-boxes': {
    run: evalBoxesCommand,
    options: { gt: { type: 'string' }, results: { type: 'string' }, json: { type: 'string' }, 'cat-ids': { type: 'string' }, 'iou-type': { type: 'string' } },
  },
  'eval-masks': {
    run: evalMasksCommand,
    options: { gt: { type: 'string' }, results: { type: 'string' }, json: { type: 'string' }, 'cat-ids': { type: 'string' } },
  },
  segment: {
    run: segmentCommand,
    options: {
      config: { type: 'string' },
      family: { type: 'string' },
      'batch-norm': { type: 'string' },
      weights: { type: 'string' },
      scales: { type: 'string' },
      flip: { type: 'boolean' },
      'no-flip': { type: 'boolean' },
      labels: { type: 'string' },
      out: { type: 'string' },
      npy: { type: 'string' },
      alpha: { type: 'string' },
      'base-size': { type: 'string' },
      'crop-size': { type: 'string' },
      backend: { type: 'string' },
      ...ENGINE_OPTIONS,
      ...BATCH_OPTIONS,
    },
  },
  'eval-seg': {
    run: evalSegCommand,
    options: {
      pred: { type: 'string' },
      gt: { type: 'string' },
      classes: { type: 'string' },
      ignore: { type: 'string' },
      dataset: { type: 'string' },
      'cityscapes-ids': { type: 'boolean' },
      json: { type: 'string' },
    },
  },
  convert: {
    run: convertCommand,
    options: { to: { type: 'string' }, dtype: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, family: { type: 'string' }, 'batch-norm': { type: 'string' } },
  },
  queue: { run: queueCommand, options: QUEUE_OPTIONS },
  worker: { run: workerCommand, options: WORKER_OPTIONS },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n\noptional peers (npm i <name> beside @hrnetjs/cli):\n${optionalPeersReport()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(USAGE, name) ?? `usage: hrnet ${name} [options]`}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${name}: ${(error as Error).message}`);
  }
  // The cpu backend's one-time "use tfjs-node" banner would land on stdout.
  tf.enableProdMode();
  await command.run({
    options: new Options(parsed.values as Record<string, string | boolean | string[] | undefined>),
    positionals: parsed.positionals,
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
  return 0;
}

/** Exits once everything written to stdout / stderr has reached the OS (pipes are asynchronous). */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: Error) => {
  // Every failure is one readable line; a stack only helps us, not the user.
  const message = error instanceof CliError ? error.message : `${error.name}: ${error.message}`;
  process.stderr.write(`hrnet: ${message.split('\n').join('\n  ')}\n`);
  exitAfterFlush(error instanceof CliError ? error.exitCode : 1);
});
