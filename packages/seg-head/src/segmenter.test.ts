import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { SegModel } from './seg-model.js';
import { segment } from './segment.js';
import { createSegmenter } from './segmenter.js';

// Runs on the repository's own oracle case (tools/oracle/cases), so it needs no ../shared.
const c = oracleCase('seg_v11_basic_stem');
const image = { data: Uint8Array.from({ length: 40 * 56 * 3 }, (_, i) => (i * 37) % 256), width: 56, height: 40 };

describe('createSegmenter', () => {
  beforeAll(() => useBackend('wasm'));

  it('loads a checkpoint path + config path, maps the shared option names and equals segment() with the official names', async () => {
    const before = tf.memory().numTensors;
    const segmenter = await createSegmenter(
      { weights: join(c.dir, 'model.pth'), config: join(c.dir, 'config.json') },
      { flipTest: true, cropSize: [48, 32], baseSize: 64, classNames: ['a', 'b', 'c', 'd', 'e'] },
    );
    expect(segmenter.model).toBeInstanceOf(SegModel);
    const r = await segmenter.segment(image, { scales: [0.5, 1] });
    expect(r.settings.cropSize).toEqual([32, 48]); // internal [h, w] = the official crop_size
    expect(r.settings.flip).toBe(true);
    expect(r.classes).toEqual(['a', 'b', 'c', 'd', 'e']);
    const direct = await segment(segmenter.model, image, { flip: true, cropSize: [32, 48], baseSize: 64, scales: [0.5, 1], classes: ['a', 'b', 'c', 'd', 'e'] });
    expect(r.labels).toEqual(direct.labels);
    const noFlip = await segmenter.segment(image, { scales: [1], flipTest: false });
    expect(noFlip.settings.flip).toBe(false);
    segmenter.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses weights of another family and bad sizes with clear errors', async () => {
    await expect(createSegmenter(oracleCase('pose_tiny2').checkpoint)).rejects.toThrow(/expected a 'seg' model, but the weights are a 'pose' checkpoint/);
    const segmenter = await createSegmenter({ weights: c.checkpoint, config: c.configText });
    await expect(segmenter.segment(image, { cropSize: [5] as never })).rejects.toThrow(/cropSize must be \[width, height\]/);
    segmenter.dispose();
  });
});
