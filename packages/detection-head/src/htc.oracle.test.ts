import { useBackend } from '@hrnetjs/core/node';
import { describe, expect, it } from 'vitest';
import { checkHtcOracleCase, HTC_ORACLE_CASES } from './htc-oracle.test-helper.js';

// HTC against mmdetection 2.x's oracle cases on TF.js (wasm); htc.onnx.test.ts holds onnxruntime to
// the same bars (htc-oracle.test-helper.ts).
describe('HybridTaskCascade matches mmdetection 2.x oracle cases (wasm)', () => {
  it.each(HTC_ORACLE_CASES)('%s: proposals, detections (rescaled and not), masks, semantic feature, stage mask logits', async (name) => {
    await useBackend('wasm');
    const worst = await checkHtcOracleCase(name, { label: 'tfjs' });
    expect(worst.detections).toBeGreaterThan(0);
    expect(worst.minMaskIou).toBeGreaterThanOrEqual(0.99);
  });
});
