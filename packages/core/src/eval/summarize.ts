import type { Accumulated } from './accumulate.js';
import { CocoEvalError } from './coco-types.js';
import { formatFixed, numpyMean } from './numpy-math.js';
import type { CocoEvalParams } from './params.js';

/** The standard stats COCOeval.summarize() reports. */
export interface Summary {
  /** 12 numbers for bbox, 10 for keypoints; −1 where no cell had a non-ignored ground truth. */
  stats: number[];
  /** Their names (HRNet's `coco.py` names for keypoints, detectron's for boxes). */
  names: string[];
  /** The lines summarize() prints, e.g. `" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.270"`. */
  lines: string[];
}

/** Names of the 12 box stats, in summarize() order. */
export const BBOX_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
/** Names of the 10 keypoint stats, in summarize() order. */
export const KEYPOINT_STAT_NAMES = ['AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)', 'AR (L)'] as const;

interface StatSpec {
  ap: boolean;
  iouThr?: number;
  areaRng: string;
  maxDets: number;
}

/**
 * COCOeval's `summarize()`: means of the precision / recall cells selected by IoU threshold,
 * area-range label and maxDets, skipping −1 cells (−1 when nothing is left), and the printed lines.
 * Like the official code it assumes the default parameter layout (labels, and 3 maxDets for bbox).
 */
export function cocoSummarize(acc: Accumulated, params: CocoEvalParams): Summary {
  const md = params.maxDets;
  let specs: StatSpec[];
  if (params.iouType === 'keypoints') {
    specs = [
      { ap: true, areaRng: 'all', maxDets: 20 },
      { ap: true, iouThr: 0.5, areaRng: 'all', maxDets: 20 },
      { ap: true, iouThr: 0.75, areaRng: 'all', maxDets: 20 },
      { ap: true, areaRng: 'medium', maxDets: 20 },
      { ap: true, areaRng: 'large', maxDets: 20 },
      { ap: false, areaRng: 'all', maxDets: 20 },
      { ap: false, iouThr: 0.5, areaRng: 'all', maxDets: 20 },
      { ap: false, iouThr: 0.75, areaRng: 'all', maxDets: 20 },
      { ap: false, areaRng: 'medium', maxDets: 20 },
      { ap: false, areaRng: 'large', maxDets: 20 },
    ];
  } else {
    if (md.length < 3) throw new CocoEvalError(`bbox summarize() needs 3 maxDets (default [1, 10, 100]), got [${md.join(', ')}]`);
    specs = [
      { ap: true, areaRng: 'all', maxDets: 100 },
      { ap: true, iouThr: 0.5, areaRng: 'all', maxDets: md[2] },
      { ap: true, iouThr: 0.75, areaRng: 'all', maxDets: md[2] },
      ...['small', 'medium', 'large'].map((areaRng) => ({ ap: true, areaRng, maxDets: md[2] })),
      ...[md[0], md[1], md[2]].map((maxDets) => ({ ap: false, areaRng: 'all', maxDets })),
      ...['small', 'medium', 'large'].map((areaRng) => ({ ap: false, areaRng, maxDets: md[2] })),
    ];
  }
  const stats = specs.map((spec) => summarizeOne(acc, params, spec));
  const lines = specs.map((spec, i) => summaryLine(params, spec, stats[i]));
  const names = [...(params.iouType === 'keypoints' ? KEYPOINT_STAT_NAMES : BBOX_STAT_NAMES)];
  return { stats, names, lines };
}

function summarizeOne(acc: Accumulated, params: CocoEvalParams, spec: StatSpec): number {
  const [_T, R, K, A, M] = acc.counts;
  const tsel = spec.iouThr === undefined ? params.iouThrs.map((_, t) => t) : indicesWhere(params.iouThrs, (v) => v === spec.iouThr);
  const pairs = zipBroadcast(
    indicesWhere(params.areaRngLbl, (l) => l === spec.areaRng),
    indicesWhere(params.maxDets, (m) => m === spec.maxDets),
  );
  const kept: number[] = [];
  // Same element order as NumPy's s[t][:, :, :, aind, mind] → [T', R, K, P].
  for (const t of tsel) {
    for (let r = 0; r < (spec.ap ? R : 1); r++) {
      for (let k = 0; k < K; k++) {
        for (const [a, m] of pairs) {
          const v = spec.ap ? acc.precision[(((t * R + r) * K + k) * A + a) * M + m] : acc.recall[((t * K + k) * A + a) * M + m];
          if (v > -1) kept.push(v);
        }
      }
    }
  }
  return kept.length === 0 ? -1 : numpyMean(kept);
}

function summaryLine(params: CocoEvalParams, spec: StatSpec, value: number): string {
  const title = (spec.ap ? 'Average Precision' : 'Average Recall').padEnd(18);
  const type = spec.ap ? '(AP)' : '(AR)';
  const thrs = params.iouThrs;
  const iouStr = spec.iouThr === undefined ? `${formatFixed(thrs[0], 2)}:${formatFixed(thrs[thrs.length - 1], 2)}` : formatFixed(spec.iouThr, 2);
  return ` ${title} ${type} @[ IoU=${iouStr.padEnd(9)} | area=${spec.areaRng.padStart(6)} | maxDets=${String(spec.maxDets).padStart(3)} ] = ${formatFixed(value, 3)}`;
}

function indicesWhere<T>(values: readonly T[], test: (v: T) => boolean): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    if (test(v)) out.push(i);
  });
  return out;
}

/** NumPy's pairing of two advanced index lists (equal lengths zip; a length-1 list broadcasts). */
function zipBroadcast(a: number[], m: number[]): Array<[number, number]> {
  if (a.length === m.length) return a.map((v, i) => [v, m[i]]);
  if (a.length === 1) return m.map((v) => [a[0], v]);
  if (m.length === 1) return a.map((v) => [v, m[0]]);
  throw new CocoEvalError(`summarize(): ${a.length} area ranges and ${m.length} maxDets match one stat; labels and maxDets must be unique`);
}
