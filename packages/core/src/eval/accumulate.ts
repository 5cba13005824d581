import type { EvalImg } from './evaluate-image.js';
import { argsortDescending, EPS, searchsortedLeft } from './numpy-math.js';
import type { CocoEvalParams } from './params.js';

/** COCOeval's `eval` dict: row-major float64 arrays, −1 where a cell has no non-ignored gt. */
export interface Accumulated {
  /** `[T, R, K, A, M]` = iouThrs × recThrs × catIds × areaRng × maxDets. */
  counts: [number, number, number, number, number];
  /** `[T, R, K, A, M]` interpolated precision at each recall threshold. */
  precision: Float64Array;
  /** `[T, K, A, M]` final recall. */
  recall: Float64Array;
  /** `[T, R, K, A, M]` detection score at each recall threshold. */
  scores: Float64Array;
}

/**
 * COCOeval's `accumulate()`: for every (category, area range, maxDets), the images' detections are
 * concatenated in ascending image-id order (each cut to maxDets), stably sorted by descending
 * score, turned into cumulative TP/FP counts, and precision is made monotone from the right and
 * read at the recall thresholds with `searchsorted(side='left')` (0 past the reached recall).
 */
export function cocoAccumulate(evalImgs: ReadonlyArray<EvalImg | null>, params: CocoEvalParams): Accumulated {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const K = params.catIds.length;
  const A = params.areaRng.length;
  const M = params.maxDets.length;
  const I = params.imgIds.length;
  if (evalImgs.length !== K * A * I) throw new Error(`accumulate: ${evalImgs.length} evalImgs for ${K} categories × ${A} area ranges × ${I} images`);
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const pIndex = (t: number, r: number, k: number, a: number, m: number) => (((t * R + r) * K + k) * A + a) * M + m;
  const rIndex = (t: number, k: number, a: number, m: number) => ((t * K + k) * A + a) * M + m;

  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const E: EvalImg[] = [];
      for (let i = 0; i < I; i++) {
        const e = evalImgs[k * A * I + a * I + i];
        if (e) E.push(e);
      }
      if (E.length === 0) continue;
      let npig = 0;
      for (const e of E) for (const g of e.gtIgnore) if (g === 0) npig++;
      if (npig === 0) continue;
      for (let m = 0; m < M; m++) {
        const maxDet = params.maxDets[m];
        // Concatenate in image order (each cut to maxDet), then one stable sort by score.
        const dtScores: number[] = [];
        for (const e of E) for (let d = 0; d < Math.min(maxDet, e.dtScores.length); d++) dtScores.push(e.dtScores[d]);
        const nd = dtScores.length;
        const inds = argsortDescending(dtScores);
        const position = new Int32Array(nd); // concatenated index → sorted rank
        for (let j = 0; j < nd; j++) position[inds[j]] = j;
        // tps / fps per threshold in sorted order: 1 = true positive, 2 = false positive, 0 = ignored.
        const kind = new Uint8Array(T * nd);
        let c = 0;
        for (const e of E) {
          const n = Math.min(maxDet, e.dtScores.length);
          for (let d = 0; d < n; d++, c++) {
            const j = position[c];
            for (let t = 0; t < T; t++) if (!e.dtIgnore[t][d]) kind[t * nd + j] = e.dtMatches[t][d] ? 1 : 2;
          }
        }
        const rc = new Float64Array(nd);
        const pr = new Float64Array(nd);
        for (let t = 0; t < T; t++) {
          let tp = 0;
          let fp = 0;
          for (let j = 0; j < nd; j++) {
            const kj = kind[t * nd + j];
            if (kj === 1) tp++;
            else if (kj === 2) fp++;
            rc[j] = tp / npig;
            pr[j] = tp / (fp + tp + EPS);
          }
          recall[rIndex(t, k, a, m)] = nd ? rc[nd - 1] : 0;
          // Precision envelope: running maximum from the right.
          for (let j = nd - 1; j > 0; j--) if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
          const at = searchsortedLeft(rc, params.recThrs);
          // pycocotools stops at the first threshold past the reached recall; the rest stay 0.
          let stopped = false;
          for (let r = 0; r < R; r++) {
            const pi = at[r];
            if (pi >= nd) stopped = true;
            precision[pIndex(t, r, k, a, m)] = stopped ? 0 : pr[pi];
            scores[pIndex(t, r, k, a, m)] = stopped ? 0 : dtScores[inds[pi]];
          }
        }
      }
    }
  }
  return { counts: [T, R, K, A, M], precision, recall, scores };
}
