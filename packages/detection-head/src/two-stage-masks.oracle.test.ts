import { useBackend } from '@hrnetjs/core/node';
import { describe, it } from 'vitest';
import { checkTwoStageOracleCase, TWO_STAGE_ORACLE_CASES } from './two-stage-oracle.test-helper.js';

// Oracle cases made by tools/oracle/gen_mask.py from mmdetection 2.x; the checks are shared with
// two-stage.onnx.test.ts (the same detectors on onnxruntime).
describe('two-stage detectors with masks / cascades match mmdetection 2.x oracle cases (wasm)', () => {
  it.each(TWO_STAGE_ORACLE_CASES)('%s: proposals, detections (rescaled and not), masks and mask logits', async (name) => {
    await useBackend('wasm');
    await checkTwoStageOracleCase(name, { label: 'wasm' });
  });
});
