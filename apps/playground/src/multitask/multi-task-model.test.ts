import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { encodeSafetensors, exportStateDict, fromNCHW, type ModelConfig, parseModelConfig, readCheckpoint, type StateDict } from '@hrnetjs/core';
import { HRNetBackbone } from '@hrnetjs/core/ops';
import { readCheckpointFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { FasterRCNN } from '@hrnetjs/detection-head';
import { SegModel } from '@hrnetjs/seg-head';
import { fixturePath } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { createMultiTask } from './multi-task-model.js';

async function detectorWeights(): Promise<StateDict> {
  return new Map([
    ...(await readCheckpointFile(fixturePath('det', 'det_tiny.pth'))).stateDict,
    ...(await readCheckpointFile(fixturePath('det', 'faster_rcnn_tiny_heads.pth'))).stateDict,
  ]);
}

describe('createMultiTask: segmentation + detection on one backbone pass', () => {
  it('runs the backbone once, equals the single-task models with the same weights, and saves all heads in one file', async () => {
    await useBackend('wasm');
    const config = parseModelConfig(readFileSync(fixturePath('det', 'faster_rcnn_tiny_full_config.json'), 'utf8'));
    const seeded = createMultiTask({ config, heads: { numClasses: 5 } });
    const report = seeded.load(await detectorWeights(), { strict: false });
    expect(report.missing.every((k) => k.startsWith('last_layer.'))).toBe(true);
    expect(report.missing.length).toBeGreaterThan(0);

    // One checkpoint holds every head: save, read back, load strictly.
    const combined = readCheckpoint(encodeSafetensors(exportStateDict(seeded))).stateDict;
    seeded.dispose();
    const model = createMultiTask({ config, heads: { numClasses: 5 } });
    expect(model.load(combined).missing).toEqual([]);

    const x = fromNCHW(await readNpyFile(fixturePath('det', 'input.npy')));
    const passes: number[] = [];
    const original = HRNetBackbone.prototype.forward;
    HRNetBackbone.prototype.forward = function (this: HRNetBackbone, ...args: Parameters<HRNetBackbone['forward']>) {
      passes.push(1);
      return original.apply(this, args);
    };
    let shared;
    try {
      shared = await model.segmentAndDetect(x);
    } finally {
      HRNetBackbone.prototype.forward = original;
    }
    expect(passes.length).toBe(1);

    // Single-task detector with the same weights, same input.
    const detector = new FasterRCNN(config);
    detector.load(new Map([...combined].filter(([k]) => !k.startsWith('last_layer.'))));
    const alone = await detector.simpleTest(x);
    expect(Array.from(shared.detections.bboxes)).toEqual(Array.from(alone.bboxes));
    expect(Array.from(shared.detections.scores)).toEqual(Array.from(alone.scores));
    expect(Array.from(shared.detections.labels)).toEqual(Array.from(alone.labels));
    expect(Array.from(shared.detections.proposals)).toEqual(Array.from(alone.proposals));

    // Single-task segmentation model on the same backbone config and weights (official seg keys).
    const segConfig: ModelConfig = { ...config, family: 'seg', head: { type: 'seg', numClasses: 5, finalConvKernel: 1 } };
    const seg = new SegModel(segConfig);
    const segWeights: StateDict = new Map(
      [...combined].filter(([k]) => k.startsWith('backbone.') || k.startsWith('last_layer.')).map(([k, v]) => [k.replace(/^backbone\./, ''), v]),
    );
    seg.load(segWeights);
    const logits = seg.predict(x);
    expect(shared.logits.shape).toEqual(logits.shape);
    expect(Array.from(await shared.logits.data())).toEqual(Array.from(await logits.data()));

    tf.dispose([x, logits, shared.logits]);
    for (const m of [model, detector, seg]) m.dispose();
  });
});
