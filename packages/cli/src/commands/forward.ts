import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendName, fromNCHW, toNCHW } from '@hrnetjs/core';
import { readCheckpointFile, readNpyFile, useBackend, writeNpyFile } from '@hrnetjs/core/node';
import { createTwoStageDetector, DetectionFeatureModel, isFasterRcnnDetector } from '@hrnetjs/detection-head';
import { HigherHRNetModel } from '@hrnetjs/pose-head';
import { createModel } from '../models.js';
import { CliError } from '../cli-error.js';
import { onnxNetwork, resolveEngine, useEngineForDetector } from '../engine.js';
import { higherConfigFromSpec } from '../higher-config.js';
import { loadModelConfig } from '../load-config.js';
import { userPath } from '../paths.js';
import type { CommandContext } from './command.js';

const BACKENDS: BackendName[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

/** Intermediates are written for batch item 0, as the official forward hooks capture them. */
const INTERMEDIATE = /^(stem|layer1|stage\d+_out_\d+)$/;

/**
 * `hrnet forward --config … --weights … --input x.npy --output-dir d [--backend b] [--family f]`:
 * runs the raw network on an NCHW float32 .npy and writes every named output as NCHW .npy. For a
 * full mmdet detector dict (rpn_head + roi_head) it also writes `proposals` [N, 5], `det_bboxes`
 * [M, 5] and `det_labels` [M] (int32) of mmdet's test path, with the dict's img_metas and test_cfg.
 */
export async function forwardCommand({ options, stderr }: CommandContext): Promise<void> {
  const backend = (options.string('backend') ?? 'auto') as BackendName;
  if (!BACKENDS.includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`);
  const higher = await higherConfigFromSpec(options.string('config'));
  const config = higher ?? (await loadModelConfig(options));
  const weightFiles = options.strings('weights');
  if (weightFiles.length === 0) throw new CliError('--weights <file> is required');
  const input = await readNpyFile(userPath(options.required('input')));
  const outputDir = userPath(options.required('output-dir'));
  if (input.shape.length !== 4 || input.shape[1] !== 3) {
    throw new CliError(`--input must be an NCHW float32 array with 3 channels, got shape [${input.shape.join(', ')}]`);
  }

  const choice = await resolveEngine(options);
  const info = await useBackend(backend);
  stderr(`engine: ${choice.engine}`);
  stderr(`backend: ${info.name}${info.skipped.length ? ` (skipped: ${info.skipped.map((s) => `${s.name} ${s.reason}`).join('; ')})` : ''}`);

  // Several files may hold parts of one model (e.g. backbone+neck and detector heads).
  const merged = new Map();
  for (const file of weightFiles) {
    const checkpoint = await readCheckpointFile(userPath(file));
    for (const [k, v] of checkpoint.stateDict) merged.set(k, v);
  }
  const detectorConfig = config.head.type === 'mmdet' && config.head.neck && isFasterRcnnDetector(config.head.detector);
  const hasHeads = [...merged.keys()].some((k) => k.startsWith('rpn_head.') || k.startsWith('roi_head.'));
  if (detectorConfig && !hasHeads) stderr('the weights hold no rpn_head / roi_head: writing the backbone and neck outputs only');
  const detector = detectorConfig && hasHeads ? createTwoStageDetector(config) : null;
  const model = higher ? new HigherHRNetModel(higher) : (detector ?? (detectorConfig ? new DetectionFeatureModel(config) : createModel(config)));
  model.load(merged);

  const x = fromNCHW(input);
  let outputs: Record<string, tf.Tensor> = {};
  try {
    if (choice.engine === 'onnxruntime') {
      const net = await onnxNetwork(choice, model, true);
      outputs = await net.run(x).finally(net.release);
      // The detector graph also carries the RPN conv outputs; forward writes what forwardNamed gives.
      for (const name of Object.keys(outputs).filter((k) => k.startsWith('rpn_'))) {
        outputs[name].dispose();
        delete outputs[name];
      }
      if (detector) await useEngineForDetector(choice, detector);
    } else {
      outputs = model.forwardNamed(x, { intermediates: true });
    }
    await mkdir(outputDir, { recursive: true });
    for (const [name, tensor] of Object.entries(outputs)) {
      const item = INTERMEDIATE.test(name) ? tf.slice(tensor, 0, 1) : tensor;
      await writeNpyFile(join(outputDir, `${name}.npy`), await toNCHW(item));
      if (item !== tensor) item.dispose();
    }
    if (detector) {
      // mmdet's simple_test runs image by image; the detector outputs are those of batch item 0.
      const first = tf.slice(x, 0, 1);
      const r = await detector.simpleTest(first).finally(() => first.dispose());
      const rows = (boxes: Float32Array, scores: Float32Array) => {
        const out = new Float32Array(scores.length * 5);
        scores.forEach((s, i) => out.set([...boxes.subarray(4 * i, 4 * i + 4), s], 5 * i));
        return out;
      };
      await writeNpyFile(join(outputDir, 'proposals.npy'), { dtype: 'float32', shape: [r.proposals.length / 5, 5], values: r.proposals });
      await writeNpyFile(join(outputDir, 'det_bboxes.npy'), { dtype: 'float32', shape: [r.scores.length, 5], values: rows(r.bboxes, r.scores) });
      await writeNpyFile(join(outputDir, 'det_labels.npy'), { dtype: 'int32', shape: [r.labels.length], values: r.labels });
    }
  } finally {
    tf.dispose([x, ...Object.values(outputs)]);
    await detector?.releaseOnnx();
    model.dispose();
  }
  stderr(`wrote ${Object.keys(outputs).length + (detector ? 3 : 0)} outputs to ${outputDir}`);
}
