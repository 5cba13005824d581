import { expect } from 'vitest';
import { readNpyFile } from '@hrnetjs/core/node';
import { difference } from '@hrnetjs/test-utils';
import { HybridTaskCascade } from './htc.js';
import type { FeatureMap } from './roi-align.js';
import { checkTwoStageOracleCase, type OracleEngine, type OracleWorst } from './two-stage-oracle.test-helper.js';

// The checks of the HTC oracle cases made by tools/oracle/gen_htc.py from mmdetection 2.x's
// HybridTaskCascade (see each case's README.md: tiny HRNet + HRFPN HTCs with and without the
// semantic branch, rescaled metas): the two-stage oracle checks plus the semantic feature, shared
// by the TF.js test and the onnxruntime test so both engines meet the same bars.

/** The HTC oracle cases. */
export const HTC_ORACLE_CASES = ['mmdet_htc', 'mmdet_htc_nosemantic', 'mmdet_htc_bbox_fusion'] as const;

/** The worst numbers of one case, for the log and the caller's own bars. */
export interface HtcOracleWorst extends OracleWorst {
  /** Semantic feature vs mmdet's, of its std (0 without a semantic head). */
  semanticRelToStd: number;
}

/**
 * {@link checkTwoStageOracleCase} on HTC oracle case `name` (proposals, detections with and without
 * rescaling, masks, each stage's mask logits), and on the engine's own neck levels the semantic
 * feature (≤ 1e-4 of its std), or no semantic head where the case has none.
 */
export async function checkHtcOracleCase(name: string, engine: OracleEngine): Promise<HtcOracleWorst> {
  let semanticRelToStd = 0;
  const worst = await checkTwoStageOracleCase(name, engine, {
    modelClass: HybridTaskCascade,
    headChecks: async ({ model, features, sessions, dir, files, tag }) => {
      const htc = model as HybridTaskCascade;
      if (!files.semantic_feat) {
        expect(htc.roiHead.semanticHead).toBeNull();
        return;
      }
      const ref = await readNpyFile(`${dir}/semantic_feat.npy`);
      const ours = await htc.roiHead.semanticFeatures(features, sessions?.semanticHead);
      expect([1, ours.channels, ours.height, ours.width]).toEqual(ref.shape);
      semanticRelToStd = difference(fromNhwcHost(ours), ref.values as Float32Array).relToStd;
      console.log(`[${tag}] semantic feature relToStd ${semanticRelToStd.toExponential(2)}`);
      expect(semanticRelToStd).toBeLessThan(1e-4);
    },
  });
  return { ...worst, semanticRelToStd };
}

/** HWC host feature map → CHW order (the official NCHW layout, batch 1). */
function fromNhwcHost(f: FeatureMap): Float32Array {
  const out = new Float32Array(f.data.length);
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) for (let ch = 0; ch < f.channels; ch++) out[(ch * f.height + y) * f.width + x] = f.data[(y * f.width + x) * f.channels + ch];
  return out;
}
