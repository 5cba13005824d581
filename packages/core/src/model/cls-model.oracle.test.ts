import * as tf from '@tensorflow/tfjs-core';
import { oracleCase, oracleDifferences } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../api/load-model.js';
import { useBackend } from '../node.js';
import { readNpyFile } from '../node/npy-file.js';
import { fromNCHW, toNCHW } from '../tensor/index.js';
import { ClsModel } from './cls-model.js';

// Extra oracle case made by tools/oracle/gen_extra.py from the official cls_hrnet.py (see the case's
// README.md). The official head is fixed (~11.7M parameters, Linear(2048, 1000)), so its big layers
// are sparse and the torch.save file is stored gzip-compressed (oracleCase gunzips it in memory).
const TOLERANCE = 1e-4;

describe('ClsModel matches extra oracle cases of the official cls_hrnet.py (wasm)', () => {
  it.each(['cls_tiny'])('%s: stage-4 outputs and the 1000 logits within 1e-4 of std', async (name) => {
    await useBackend('wasm');
    const c = oracleCase(name);
    const before = tf.memory().numTensors;
    // Through the task API: bytes + the official yaml (as JSON) → a strictly loaded ClsModel.
    const { model } = await loadModel({ weights: c.checkpoint, config: c.configText });
    expect(model).toBeInstanceOf(ClsModel);
    const x = fromNCHW(await readNpyFile(c.inputPath));
    const outputs = model.forwardNamed(x, { intermediates: true });
    const rel = await oracleDifferences(c, outputs, toNCHW, readNpyFile);
    for (const [key, value] of Object.entries(rel)) expect.soft(value, key).toBeLessThan(TOLERANCE);
    tf.dispose([x, ...Object.values(outputs)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
